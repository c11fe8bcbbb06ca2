import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import {
  AppError,
  supportAttachSigningInput,
  toBase64Url,
  type AttachSupportCodeResponse,
  type SupportDownload,
} from '@tether/protocol';
import type { AgentPackages } from '../agent-packages/agent-package-service.js';
import type { PackageFile } from '../agent-packages/package-files.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { AdhocSessionRecord } from '../store/adhoc-repository.js';
import type { Store } from '../store/store.js';
import { GuessBudget } from '../unattended/guess-budget.js';
import { adhocState, codeHash } from './adhoc-view.js';

/** Wrong codes per source address: five free, then 2 s doubling to a minute. */
const GUESS_LIMITS = { freeAttempts: 5, firstDelayMs: 2000, maxDelayMs: 60_000 };
/** How far an installed agent's signing time may be from the server's. */
const ATTACH_SKEW_MS = 5 * 60_000;
/** What the portal names the one-time agent's file. */
export const SUPPORT_RUN_FILE = 'tether-support.run';

/** The public side of ad-hoc sessions: the support portal and the one-time agent. */
export interface SupportPortal {
  redeem(code: string, sourceAddress: string): Promise<SupportDownload>;
  openDownload(link: { id: string; key: string }, sourceAddress: string): Promise<PackageFile>;
  attach(
    request: { code: string; deviceId: string; signedAt: number; signature: string },
    sourceAddress: string,
  ): Promise<AttachSupportCodeResponse>;
}

/**
 * The support portal's answers. A code is checked under a per-address guess limit (counted
 * before the lookup, like unattended passwords), and refused with a reason the user can act on:
 * unknown, expired, or already used. The one-time agent's link carries a key derived from the
 * session with the server key, so it dies with the code.
 *
 * @example
 * const portal = createSupportPortal({ store, clock, audit, identity, rights, agentPackages, publicUrl });
 * const { command } = await portal.redeem('123456789', address);
 */
export function createSupportPortal(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  identity: ServerIdentity;
  rights: DeviceRights;
  agentPackages: AgentPackages;
  publicUrl: () => string;
}): SupportPortal {
  const budget = new GuessBudget(deps, { ...GUESS_LIMITS, scope: 'adhoc' });

  const linkKey = (record: AdhocSessionRecord): string => {
    const signature = deps.identity.sign(
      `tether-support-link.v1\n${record.id}\n${record.expiresAt.getTime()}`,
    );
    return toBase64Url(createHash('sha256').update(signature).digest()).slice(0, 32);
  };

  /** Throws why the session cannot be taken now. */
  const checkUsable = (record: AdhocSessionRecord): void => {
    const state = adhocState(record, deps.clock.now());
    if (state === 'connected' || state === 'ended') {
      throw new AppError(
        'CONFLICT',
        'This code was already used. Ask your technician for a new one.',
      );
    }
    if (state === 'expired') {
      throw new AppError(
        'TOKEN_EXPIRED',
        `This code expired at ${record.expiresAt.toISOString()}. Ask your technician for a new one.`,
      );
    }
  };

  /** The session of a code, under the guess limit; audited refusals. */
  const sessionOf = async (code: string, sourceAddress: string): Promise<AdhocSessionRecord> => {
    const key = `source:${sourceAddress}`;
    const admission = await budget.reserve([key], [key]);
    if (!admission.isAllowed) {
      const retryAfterSec = Math.ceil(admission.retryAfterMs / 1000);
      await deps.audit.refused({
        action: 'adhoc.refused',
        actor: sourceAddress,
        sourceAddress,
        details: { reason: 'too many wrong codes', retryAfterSec },
      });
      throw new AppError(
        'RATE_LIMITED',
        `Too many wrong codes from this address: wait ${retryAfterSec} s before trying again.`,
        { retryAfterSec },
      );
    }
    let record: AdhocSessionRecord | undefined;
    try {
      record = await deps.store.adhocSessions.findByCodeHash(codeHash(code));
    } finally {
      if (record) await admission.reservation.succeeded();
      else await admission.reservation.failed();
    }
    if (!record) {
      await deps.audit.refused({
        action: 'adhoc.refused',
        actor: sourceAddress,
        sourceAddress,
        details: { reason: 'unknown code' },
      });
      throw new AppError(
        'NOT_FOUND',
        'No support session has this code. Check the nine digits with your technician.',
      );
    }
    return record;
  };

  return {
    async redeem(code, sourceAddress) {
      const record = await sessionOf(code, sourceAddress);
      checkUsable(record);
      const runUrl = new URL(
        `/support/${record.id}/${linkKey(record)}/${SUPPORT_RUN_FILE}`,
        deps.publicUrl(),
      ).href;
      // The code (digits only) lets the one-time agent hand the session to an installed agent.
      const runCommand = record.allowInstalledAgent
        ? `sh ${SUPPORT_RUN_FILE} --code ${code}`
        : `sh ${SUPPORT_RUN_FILE}`;
      return {
        technician: record.createdByName,
        runUrl,
        fileName: SUPPORT_RUN_FILE,
        runCommand,
        command: `${deps.agentPackages.downloadCommand(runUrl, SUPPORT_RUN_FILE)} && ${runCommand}`,
        expiresAt: record.expiresAt.toISOString(),
      };
    },

    async openDownload({ id, key }) {
      const record = await deps.store.adhocSessions.find(id);
      const isKnown =
        record !== undefined &&
        key.length === 32 &&
        timingSafeEqual(Buffer.from(linkKey(record)), Buffer.from(key));
      if (!record || !isKnown) {
        throw new AppError('NOT_FOUND', 'No one-time agent at this link: enter your code again.');
      }
      checkUsable(record);
      return deps.agentPackages.oneTimeAgent(record.installerId);
    },

    async attach(request, sourceAddress) {
      const record = await sessionOf(request.code, sourceAddress);
      checkUsable(record);
      const refuse = async (reason: string, message: string): Promise<never> => {
        await deps.audit.refused({
          action: 'adhoc.refused',
          actor: `device:${request.deviceId}`,
          target: record.id,
          sourceAddress,
          details: { reason },
        });
        throw new AppError('FORBIDDEN', message);
      };
      if (!record.allowInstalledAgent) {
        return refuse(
          'installed agents not allowed',
          'Your technician did not allow this session through the agent installed here: the one-time agent runs instead.',
        );
      }
      const device = await deps.store.devices.find(request.deviceId);
      const isFresh = Math.abs(deps.clock.now().getTime() - request.signedAt) <= ATTACH_SKEW_MS;
      const isProven =
        device !== undefined &&
        device.deletedAt === null &&
        isFresh &&
        verifyDeviceSignature(
          device.publicKey,
          supportAttachSigningInput(request),
          request.signature,
        );
      if (!device || !isProven) {
        return refuse(
          'device proof failed',
          'The installed agent could not prove its identity (unknown or deleted device, wrong signature, or this machine’s clock is off by more than 5 minutes).',
        );
      }
      const technician = await deps.store.users.findById(record.createdBy);
      const rights = technician ? await deps.rights.of(technician) : undefined;
      if (!rights?.has(device.group, 'device.view')) {
        return refuse(
          'technician has no rights on the device',
          `Your technician has no rights on the device group of the agent installed here ("${device.group}"): the one-time agent runs instead.`,
        );
      }
      if (!(await deps.store.adhocSessions.attach(record.id, device.id))) {
        throw new AppError(
          'CONFLICT',
          'This code was already used. Ask your technician for a new one.',
        );
      }
      // The one-time path closes: the code now belongs to the installed agent.
      await deps.store.installers.revoke(record.installerId, deps.clock.now());
      await deps.audit.record({
        action: 'adhoc.connected',
        actor: `device:${device.id}`,
        target: record.id,
        sourceAddress,
        details: { deviceId: device.id, isInstalledAgent: true },
      });
      return { deviceId: device.id, technician: record.createdByName };
    },
  };
}

function verifyDeviceSignature(publicKey: string, text: string, signature: string): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKey },
      format: 'jwk',
    });
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false; // a malformed key or signature is a failed proof
  }
}
