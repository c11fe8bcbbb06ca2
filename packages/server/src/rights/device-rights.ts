import { AppError, RIGHT_CEILING, type DeviceRight } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { DeviceRecord, Store, UserRecord } from '../store/store.js';
import { lookUpRole } from '../roles/role-permissions.js';
import { userRights, type UserRights } from './user-rights.js';

/** The settings key that records that grants are enforced (set by the first grant, for good). */
export const RIGHTS_ENFORCED_KEY = 'rights.enforced';

/** Who asks, for the audit entry of a refusal. */
export interface AccessContext {
  sourceAddress?: string | null;
  /**
   * A read of the history (a session, a recording): a deleted device's tombstone still answers.
   * Everything else treats a deleted device as gone (`NOT_FOUND`).
   */
  isHistory?: boolean;
}

/**
 * The one place that decides what a user may do on a device (issue 12): every endpoint and relay
 * join that touches a device asks it. A refusal is `FORBIDDEN`, names the right and the group,
 * and is audited (`access.denied`).
 */
export interface DeviceRights {
  /** The user's rights on every group, read now (grants take effect on the next request). */
  of(user: UserRecord): Promise<UserRights>;
  /**
   * Returns the device when the user has the right on its group; otherwise audits and throws.
   * `NOT_FOUND` when there is no such device, or it was deleted (unless `context.isHistory`).
   */
  authorize(
    user: UserRecord,
    device: DeviceRecord | string,
    right: DeviceRight,
    context?: AccessContext,
  ): Promise<DeviceRecord>;
  /** The same check for a group rather than a device (policy assignments). */
  authorizeGroup(
    user: UserRecord,
    group: string,
    right: DeviceRight,
    context?: AccessContext,
  ): Promise<void>;
}

function refusal(rights: UserRights, right: DeviceRight, group: string): AppError {
  if (!rights.roleAllows(right)) {
    return new AppError(
      'FORBIDDEN',
      `Your role does not allow the right "${right}" on any device group: it needs the permission ${RIGHT_CEILING[right]}.`,
    );
  }
  return new AppError(
    'FORBIDDEN',
    `You have no "${right}" right on the device group "${group}". Ask an administrator to grant it to you or to one of your teams.`,
  );
}

export function createDeviceRights(deps: { store: Store; audit: AuditLog }): DeviceRights {
  const { store, audit } = deps;

  async function of(user: UserRecord): Promise<UserRights> {
    const isAdministrator = user.role === 'administrator';
    // The role as it stands now (a custom role's permissions are data): the ceiling of the grants.
    const { permissions } = await lookUpRole(store.roles, user.role);
    if (isAdministrator)
      return userRights({ isAdministrator, permissions, enforced: false, grants: [] });
    const [enforced, grants] = await Promise.all([
      store.settings.get(RIGHTS_ENFORCED_KEY),
      store.grants.forUser(user.id),
    ]);
    return userRights({ isAdministrator, permissions, enforced: enforced === true, grants });
  }

  async function deny(
    user: UserRecord,
    error: AppError,
    details: { right: DeviceRight; group: string; device?: DeviceRecord },
    context: AccessContext,
  ): Promise<never> {
    await audit.record({
      action: 'access.denied',
      actor: user.username,
      target: details.device?.id ?? `group:${details.group}`,
      sourceAddress: context.sourceAddress ?? null,
      details: {
        right: details.right,
        group: details.group,
        ...(details.device ? { device: details.device.name } : {}),
        message: error.message,
      },
    });
    throw error;
  }

  return {
    of,
    async authorize(user, target, right, context = {}) {
      const device = typeof target === 'string' ? await store.devices.find(target) : target;
      // A deleted device is a tombstone for the history: for every action it is gone.
      if (!device || (device.deletedAt && !context.isHistory))
        throw new AppError('NOT_FOUND', 'There is no such device. It may have been removed.');
      const rights = await of(user);
      if (rights.has(device.group, right)) return device;
      return deny(
        user,
        refusal(rights, right, device.group),
        { right, group: device.group, device },
        context,
      );
    },
    async authorizeGroup(user, group, right, context = {}) {
      const rights = await of(user);
      if (rights.has(group, right)) return;
      await deny(user, refusal(rights, right, group), { right, group }, context);
    },
  };
}
