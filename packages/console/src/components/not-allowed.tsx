import { PERMISSION_INFO, type Permission } from '@tether/protocol';
import { useConsole } from '../api/console-context.js';

/**
 * Why an action is not offered, in plain words: what the user's role lacks.
 *
 * @example
 * notAllowedReason('installers.manage', 'Auditor')
 * // 'Your role (Auditor) does not allow this: make and revoke installers. Ask an administrator.'
 */
export function notAllowedReason(permission: Permission, roleName: string): string {
  const what = PERMISSION_INFO[permission].label.toLowerCase();
  return `Your role (${roleName}) does not allow this: ${what}. Ask an administrator.`;
}

/**
 * The note shown where an action the role does not allow would be (a form, a button row).
 *
 * @example
 * {can('installers.manage') ? <InstallerForm … /> : <NotAllowed permission="installers.manage" />}
 */
export function NotAllowed({ permission }: { permission: Permission }) {
  const { roleName } = useConsole();
  return (
    <p className="muted small" data-testid="not-allowed" data-permission={permission}>
      {notAllowedReason(permission, roleName)}
    </p>
  );
}
