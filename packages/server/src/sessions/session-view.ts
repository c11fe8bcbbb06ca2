import type { Session } from '@tether/protocol';
import type { SessionRecord } from '../store/store.js';

/** The API view of a session record. */
export function toApiSession(record: SessionRecord): Session {
  return {
    id: record.id,
    deviceId: record.deviceId,
    userId: record.userId,
    kind: record.kind,
    state: record.state,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    endedAt: record.endedAt?.toISOString() ?? null,
    endReason: record.endReason,
  };
}
