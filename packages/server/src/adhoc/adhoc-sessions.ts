import { randomInt, randomUUID } from 'node:crypto';
import {
  AppError,
  DEFAULT_INSTALLER_ATTRIBUTES,
  EPHEMERAL_MAX_OFFLINE_MINUTES,
  type AdhocSession,
  type CreateAdhocSessionRequest,
  type CreateAdhocSessionResponse,
} from '@tether/protocol';
import type { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { resolveAttributes } from '../installers/installer-attributes.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { AdhocSessionRecord } from '../store/adhoc-repository.js';
import type { Store, UserRecord } from '../store/store.js';
import { codeHash, toApiAdhocSession } from './adhoc-view.js';

/** How many ad-hoc sessions the list shows. */
const LIST_LIMIT = 100;
/** Draws of a fresh code before giving up (a clash among live codes is one in millions). */
const CODE_DRAWS = 5;

/** The technician's side of ad-hoc sessions. */
export interface AdhocSessions {
  create(
    user: UserRecord,
    input: z.output<typeof CreateAdhocSessionRequest>,
    sourceAddress: string | null,
  ): Promise<CreateAdhocSessionResponse>;
  list(user: UserRecord): Promise<AdhocSession[]>;
  end(user: UserRecord, id: string, sourceAddress: string | null): Promise<void>;
}

/** What the ad-hoc sessions work with. */
export interface AdhocDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  rights: DeviceRights;
  publicUrl: () => string;
  /** Deletes the one-time device of an ended session (lifecycle's `deleteDevice`). */
  removeDevice: (deviceId: string, session: AdhocSessionRecord) => Promise<void>;
}

/**
 * Ad-hoc sessions for technicians: a code that is good once, for a few minutes, on the
 * support portal. Behind each code is a one-install installer of the technician's group whose
 * devices are ephemeral (5 minutes offline at most): the one-time agent enrols with it, and
 * its device is deleted when the session ends (or by maintenance, should that fail).
 *
 * @example
 * const { code, portalUrl } = await adhoc.create(user, { group: 'Support', validMinutes: 15, allowInstalledAgent: true }, address);
 */
export function createAdhocSessions(deps: AdhocDeps): AdhocSessions {
  const deviceName = async (deviceId: string | null): Promise<string | null> =>
    deviceId ? ((await deps.store.devices.find(deviceId))?.name ?? null) : null;

  const view = async (record: AdhocSessionRecord): Promise<AdhocSession> =>
    toApiAdhocSession(record, {
      now: deps.clock.now(),
      deviceName: await deviceName(record.deviceId),
    });

  return {
    async create(user, input, sourceAddress) {
      await deps.rights.authorizeGroup(user, input.group, 'device.view', { sourceAddress });
      const { attributes } = await resolveAttributes(deps.store, {
        ...DEFAULT_INSTALLER_ATTRIBUTES,
        group: input.group,
        comments: `Ad-hoc session of ${user.username}: one-time agent, one use`,
        maxOfflineMinutes: EPHEMERAL_MAX_OFFLINE_MINUTES,
      });
      const { group, comments, ...settings } = attributes;
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + input.validMinutes * 60_000);
      const id = randomUUID();
      const installer = await deps.store.installers.create({
        id: randomUUID(),
        group,
        comment: comments,
        attributes: settings,
        overridable: [],
        createdAt: now,
        expiresAt,
        maxInstalls: 1,
        createdBy: user.username,
      });
      let code: string | undefined;
      for (let draw = 0; draw < CODE_DRAWS && code === undefined; draw += 1) {
        const candidate = String(randomInt(0, 1_000_000_000)).padStart(9, '0');
        const isCreated = await deps.store.adhocSessions.create({
          id,
          codeHash: codeHash(candidate),
          installerId: installer.id,
          group,
          createdBy: user.id,
          createdByName: user.username,
          createdAt: now,
          expiresAt,
          allowInstalledAgent: input.allowInstalledAgent,
        });
        if (isCreated) code = candidate;
      }
      if (code === undefined) {
        await deps.store.installers.revoke(installer.id, now);
        throw new AppError('UNAVAILABLE', 'No free ad-hoc code could be drawn; try again.');
      }
      await deps.audit.record({
        action: 'adhoc.created',
        actor: user.username,
        target: id,
        sourceAddress,
        details: {
          group,
          expiresAt: expiresAt.toISOString(),
          allowInstalledAgent: input.allowInstalledAgent,
          installerId: installer.id,
        },
      });
      const record = await deps.store.adhocSessions.find(id);
      if (!record) throw new AppError('INTERNAL', 'The new ad-hoc session was not stored.');
      return {
        session: await view(record),
        code,
        portalUrl: new URL('/support', deps.publicUrl()).href,
      };
    },

    async list(user) {
      const groups = (await deps.rights.of(user)).groupsWith('device.view');
      const records = await deps.store.adhocSessions.list({
        limit: LIST_LIMIT,
        ...(groups !== 'all' && { groups }),
      });
      return Promise.all(records.map(view));
    },

    async end(user, id, sourceAddress) {
      const record = await deps.store.adhocSessions.find(id);
      if (!record) throw new AppError('NOT_FOUND', `No ad-hoc session "${id}".`);
      await deps.rights.authorizeGroup(user, record.group, 'device.view', { sourceAddress });
      await endAdhocSession(deps, record, { actor: user.username, reason: 'ended by technician' });
    },
  };
}

/**
 * Ends an ad-hoc session once: the code stops working (its installer is revoked) and a
 * one-time device is removed; an installed agent's device stays. Audited.
 */
export async function endAdhocSession(
  deps: Pick<AdhocDeps, 'store' | 'clock' | 'audit' | 'removeDevice'>,
  record: AdhocSessionRecord,
  input: { actor: string; reason: string },
): Promise<void> {
  const now = deps.clock.now();
  if (!(await deps.store.adhocSessions.end(record.id, now))) return;
  await deps.store.installers.revoke(record.installerId, now);
  await deps.audit.record({
    action: 'adhoc.ended',
    actor: input.actor,
    target: record.id,
    details: { reason: input.reason, deviceId: record.deviceId },
  });
  if (record.deviceId && !record.isInstalledAgent) {
    await deps.removeDevice(record.deviceId, record);
  }
}
