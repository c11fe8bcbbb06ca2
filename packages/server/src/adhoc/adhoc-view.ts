import { createHash } from 'node:crypto';
import type { AdhocSession, AdhocSessionState } from '@tether/protocol';
import type { AdhocSessionRecord } from '../store/adhoc-repository.js';

/**
 * What is stored of a code: its SHA-256 with a domain prefix. Nine digits are few, so what
 * guards them is the short validity, the one use and the portal's guess limit, not the hash.
 */
export function codeHash(code: string): string {
  return createHash('sha256').update(`tether-adhoc-code.v1\n${code}`).digest('hex');
}

/** The state of an ad-hoc session now. */
export function adhocState(record: AdhocSessionRecord, now: Date): AdhocSessionState {
  if (record.endedAt) return 'ended';
  if (record.deviceId) return 'connected';
  return record.expiresAt <= now ? 'expired' : 'waiting';
}

/** The API view of an ad-hoc session. */
export function toApiAdhocSession(
  record: AdhocSessionRecord,
  input: { now: Date; deviceName: string | null },
): AdhocSession {
  return {
    id: record.id,
    group: record.group,
    state: adhocState(record, input.now),
    createdBy: record.createdByName,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    allowInstalledAgent: record.allowInstalledAgent,
    deviceId: record.deviceId,
    deviceName: input.deviceName,
    isInstalledAgent: record.isInstalledAgent,
    endedAt: record.endedAt?.toISOString() ?? null,
  };
}
