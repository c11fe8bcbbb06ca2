import { AppError } from '@tether/protocol';
import type { Store } from '../store/store.js';

/** How an administrator makes a group, for messages that refuse an unknown one. */
export const HOW_TO_CREATE_GROUP =
  'Create it first (console: Device groups; CLI: tether groups create NAME; API: POST /api/v1/device-groups), or pick an existing group.';

/**
 * The existing groups of `names`, spelled as the groups are (names match ignoring letter case),
 * in the same order. Every place that takes a group (installers, policy assignments,
 * integration tenants, moving a device) checks it here, so a typing mistake never quietly makes
 * a group nobody manages: an unknown name is `INVALID_INPUT` naming it.
 *
 * @example
 * const [group] = await requireGroups(store, ['servers']); // 'Servers'
 */
export async function requireGroups(store: Store, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const group = await store.deviceGroups.findByName(name);
    if (!group) {
      throw new AppError(
        'INVALID_INPUT',
        `There is no device group "${name}". ${HOW_TO_CREATE_GROUP}`,
        {
          group: name,
        },
      );
    }
    found.push(group.name);
  }
  return found;
}
