import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AuditAction } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { RelayTap } from '../relay/index.js';
import type { SessionRecord, Store } from '../store/store.js';
import type { SessionRecorder } from '../ports/session-recorder.js';
import { sessionRecorders } from './session-recorders.js';

/** A session's recording in progress: the recorder and its row. */
export interface ActiveRecording {
  recorder: SessionRecorder;
  recordingId: string;
}

/** What a session's recording needs to know about it. */
export interface RecordedSession {
  record: SessionRecord;
  technician: string;
  size: { cols: number; rows: number };
}

export interface SessionRecordingDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  recordingsDir: string;
  /**
   * A recording was created: the upload decision is made and stored now, so that a crash at
   * any later point cannot lose it (the queue waits until the recording is finished).
   */
  onRecordingStarted?(recordingId: string): Promise<void>;
}

/**
 * Audits what a session's tap reports (file transfers) as the technician, on the device.
 * Failures to audit are logged, never thrown into the relay.
 */
export function auditFor(
  deps: Pick<SessionRecordingDeps, 'audit' | 'log'>,
  session: Pick<RecordedSession, 'record' | 'technician'>,
): (action: AuditAction, details: Record<string, unknown>) => void {
  const { record, technician } = session;
  return (action, details) => {
    deps.audit
      .record({
        action,
        actor: technician,
        target: record.deviceId,
        details: { sessionId: record.id, ...details },
      })
      .catch((error: unknown) => deps.log.error({ err: error, action }, 'audit failed'));
  };
}

/** The recording's tap, or for a session not recorded the kind's audit-only tap, if any. */
export function relayTapOf(
  deps: Pick<SessionRecordingDeps, 'audit' | 'log'>,
  session: RecordedSession,
  recording: ActiveRecording | undefined,
): RelayTap | undefined {
  if (recording) return recording.recorder.tap;
  return sessionRecorders[session.record.kind]?.auditOnly?.(auditFor(deps, session));
}

/**
 * Opens the recording of a session at the relay: the kind's recorder writes
 * `<recordings>/<yyyy-mm>/<session-id><extension>`, and a row lists it. `onFailure` runs if the
 * recording later cannot be written (the caller ends the session: fail closed).
 */
export async function startRecording(
  deps: SessionRecordingDeps,
  session: RecordedSession,
  onFailure: (error: Error) => void,
): Promise<ActiveRecording> {
  const { record } = session;
  const factory = sessionRecorders[record.kind];
  if (!factory) throw new Error(`No recorder for ${record.kind} sessions.`);
  const now = deps.clock.now();
  const relative = join(now.toISOString().slice(0, 7), `${record.id}${factory.extension}`);
  const file = join(deps.recordingsDir, relative);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const device = await deps.store.devices.find(record.deviceId);
  const recorder = await factory.open({
    file,
    size: session.size,
    startedAt: now,
    title: `${session.technician} on ${device?.name ?? record.deviceId}`,
    clock: deps.clock,
    audit: auditFor(deps, session),
  });
  recorder.onError(onFailure);
  const recording = await deps.store.recordings.create({
    id: randomUUID(),
    sessionId: record.id,
    deviceId: record.deviceId,
    userId: record.userId,
    kind: record.kind,
    format: factory.format,
    path: relative,
    startedAt: now,
  });
  await deps.onRecordingStarted?.(recording.id);
  return { recorder, recordingId: recording.id };
}

/** Closes a recording and marks it complete; returns its ID for the upload queue. */
export async function finishRecording(
  deps: Pick<SessionRecordingDeps, 'store'>,
  recording: ActiveRecording,
  endedAt: Date,
): Promise<string> {
  const result = await recording.recorder.close();
  await deps.store.recordings.finish(recording.recordingId, {
    state: 'complete',
    endedAt,
    ...result,
  });
  return recording.recordingId;
}
