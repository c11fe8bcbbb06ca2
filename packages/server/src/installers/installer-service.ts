import { randomUUID } from 'node:crypto';
import {
  AppError,
  type CreateInstallerRequest,
  type CreateInstallerResponse,
  type Installer,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { requireGroups } from '../groups/known-groups.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { InstallerRecord, Store } from '../store/store.js';
import { installerToken } from './installer-token.js';

/** The API view of an installer. */
export function toApiInstaller(record: InstallerRecord): Installer {
  return {
    id: record.id,
    group: record.group,
    comment: record.comment,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    maxInstalls: record.maxInstalls,
    installs: record.installs,
    revoked: record.revokedAt !== null,
  };
}

export interface InstallerService {
  create(
    input: CreateInstallerRequest & { createdBy: string; serverUrl: string },
  ): Promise<CreateInstallerResponse>;
  list(): Promise<Installer[]>;
  revoke(id: string, actor: string): Promise<void>;
}

/**
 * Installers (A-1, A-2, issue 2 scope): a signed, expiring enrolment token per device group that
 * pins the server key. The token is shown once; only its installer row is stored.
 */
export function createInstallerService(deps: {
  store: Store;
  clock: Clock;
  identity: ServerIdentity;
  audit: AuditLog;
}): InstallerService {
  return {
    async create(input) {
      // An unknown group is refused: a typo must not enrol devices into a group nobody manages.
      const [group = input.group] = await requireGroups(deps.store, [input.group]);
      const now = deps.clock.now();
      const record = await deps.store.installers.create({
        id: randomUUID(),
        group,
        comment: input.comment ?? '',
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.validForSec * 1000),
        maxInstalls: input.maxInstalls ?? null,
        createdBy: input.createdBy,
      });
      const token = installerToken(record, deps.identity);
      await deps.audit.record({
        action: 'installer.created',
        actor: input.createdBy,
        target: record.id,
        details: {
          group: record.group,
          expiresAt: record.expiresAt.toISOString(),
          maxInstalls: record.maxInstalls,
        },
      });
      return {
        installer: toApiInstaller(record),
        token,
        enrollCommand: `tether agent enroll --server ${input.serverUrl} --token ${token}`,
      };
    },

    async list() {
      return (await deps.store.installers.list()).map(toApiInstaller);
    },

    async revoke(id, actor) {
      if (!(await deps.store.installers.revoke(id, deps.clock.now()))) {
        throw new AppError(
          'NOT_FOUND',
          'No active installer with that ID (it may already be revoked).',
        );
      }
      await deps.audit.record({ action: 'installer.revoked', actor, target: id });
    },
  };
}
