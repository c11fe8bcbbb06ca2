import { randomUUID } from 'node:crypto';
import {
  AppError,
  DEFAULT_INSTALLER_ATTRIBUTES,
  type CreateInstallerRequest,
  type CreateInstallerResponse,
  type ExtendInstallerResponse,
  type Installer,
  InstallerAttributeName,
  InstallerAttributes,
} from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { InstallerRecord, Store } from '../store/store.js';
import { attributesOf, definedEntries, resolveAttributes } from './installer-attributes.js';
import { installerToken } from './installer-token.js';

/** Neither revoked nor expired nor used up: it still installs. */
export function isActiveInstaller(record: InstallerRecord, now: Date): boolean {
  return (
    record.revokedAt === null &&
    record.expiresAt > now &&
    (record.maxInstalls === null || record.installs < record.maxInstalls)
  );
}

/** The API view of an installer. */
export function toApiInstaller(record: InstallerRecord, now = new Date()): Installer {
  return {
    id: record.id,
    group: record.group,
    comment: record.comment,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    maxInstalls: record.maxInstalls,
    installs: record.installs,
    revoked: record.revokedAt !== null,
    active: isActiveInstaller(record, now),
    attributes: attributesOf(record),
    overridable: record.overridable,
  };
}

export interface InstallerService {
  create(
    input: CreateInstallerRequest & { createdBy: string; serverUrl: string },
  ): Promise<CreateInstallerResponse>;
  /** Active installers first, each part newest first. */
  list(): Promise<Installer[]>;
  /** A new expiry, `validForSec` from now; NOT_FOUND when revoked or unknown. */
  extend(
    id: string,
    input: { validForSec: number; actor: string },
  ): Promise<ExtendInstallerResponse>;
  revoke(id: string, actor: string): Promise<void>;
}

/**
 * Installers: a signed, expiring enrolment token per device group that pins the
 * server key, with the attributes its devices get and which of them the install may override.
 * The token is not stored: it is made again from the record (see installer-token.ts).
 */
export function createInstallerService(deps: {
  store: Store;
  clock: Clock;
  identity: ServerIdentity;
  audit: AuditLog;
}): InstallerService {
  return {
    async create(input) {
      // Unknown groups and policies are refused: a typo must not enrol devices nobody manages.
      const { attributes } = await resolveAttributes(deps.store, requestedAttributes(input));
      const { group, comments, ...settings } = attributes;
      const now = deps.clock.now();
      const record = await deps.store.installers.create({
        id: randomUUID(),
        group,
        comment: comments,
        attributes: settings,
        overridable: [...new Set(input.overridable ?? [])],
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
          attributes: record.attributes,
          overridable: record.overridable,
        },
      });
      return {
        installer: toApiInstaller(record, now),
        token,
        // The installer's own public site address, when it has one, is where its agents go.
        enrollCommand: `tether agent enroll --server ${settings.publicSiteAddress ?? input.serverUrl} --token ${token}`,
      };
    },

    async list() {
      const now = deps.clock.now();
      const records = await deps.store.installers.list();
      const active = records.filter((record) => isActiveInstaller(record, now));
      const inactive = records.filter((record) => !isActiveInstaller(record, now));
      return [...active, ...inactive].map((record) => toApiInstaller(record, now));
    },

    async extend(id, input) {
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + input.validForSec * 1000);
      const record = await deps.store.installers.extend(id, expiresAt);
      if (!record) {
        throw new AppError(
          'NOT_FOUND',
          'No installer with that ID that is not revoked: a revoked installer cannot be extended, create a new one.',
        );
      }
      await deps.audit.record({
        action: 'installer.extended',
        actor: input.actor,
        target: id,
        details: { expiresAt: expiresAt.toISOString() },
      });
      return {
        installer: toApiInstaller(record, now),
        token: installerToken(record, deps.identity),
      };
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

/** The request's attributes over the defaults; `comment` is the older name of `comments`. */
function requestedAttributes(input: CreateInstallerRequest): InstallerAttributes {
  const given = Object.fromEntries(
    InstallerAttributeName.options.map((name) => [name, input[name]]),
  );
  // Parsed again (not cast): the request was valid, so this only drops the keys not given.
  return InstallerAttributes.parse({
    ...DEFAULT_INSTALLER_ATTRIBUTES,
    comments: input.comment ?? '',
    ...definedEntries(given),
  });
}
