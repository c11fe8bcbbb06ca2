import type { RoleView } from '@tether/protocol';
import { useLoad } from '../../hooks/use-load.js';

/**
 * The roles a sign-in mapping may give: built-in and custom (`GET /api/v1/roles`). Until they
 * load, the roles already in use stay selectable, so a form never shows a blank choice.
 *
 * @example
 * const roles = useRoleOptions(mapping.rules.map((rule) => rule.role));
 */
export function useRoleOptions(inUse: readonly string[]): Pick<RoleView, 'id' | 'name'>[] {
  const [load] = useLoad((api) => api.listRoles(), []);
  if (load.state === 'ready') return load.value;
  return [...new Set(inUse)].filter((id) => id !== '').map((id) => ({ id, name: id }));
}
