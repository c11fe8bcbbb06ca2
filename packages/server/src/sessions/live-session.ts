// What a session service and the code that starts its sessions share: the service's
// dependencies, the state of one session it relays, and what starting a session may do to it.
import type { RecordingMode, SessionKind, DeviceRight } from '@tether/protocol';
import type { Admission } from '../assistance/admit-session.js';
import type { AccessWindowWatch } from '../assistance/access-window-watch.js';
import type { AdmitSession } from '../assistance/session-terms.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { BackgroundTasks } from '../jobs/background-tasks.js';
import type { Logger } from '../logging.js';
import type { RelayPair } from '../relay/index.js';
import type { QueuedPeer } from '../relay/queued-peer.js';
import type { DeviceRights } from '../rights/device-rights.js';
import type { SessionRecord, Store } from '../store/store.js';
import type { GuestHost } from './session-guests.js';
import type { ActiveRecording } from './session-recording.js';

export interface SessionServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  log: Logger;
  recordingsDir: string;
  /** This node's id: the session's relay node, where its ends are paired. */
  relayNode?(): string;
  relayTokenTtlSec: number;
  /** A session is ended this long after it was requested, however active (absolute lifetime). */
  maxLifetimeSec: number;
  /** Whether sessions of this kind on this device are recorded (policies, R-1). */
  recordingModeFor(deviceId: string, kind: SessionKind): Promise<RecordingMode>;
  /** A recording is complete on local disk (the upload queue takes it from here). */
  onRecordingFinished(recordingId: string): void;
  /** A recording started: the upload queue decides where it goes (custom storage, R-5). */
  onRecordingStarted?(recordingId: string): Promise<void>;
  /** How often a running session's access window is checked (default 1 s). */
  accessCheckMs?: number;
  /** Assistance mode, rights and access window checks (assistance/); throws the refusal. */
  admit: AdmitSession;
  /** The technician's rights on the device's group (teams and grants); throws the refusal. */
  rights: Pick<DeviceRights, 'authorize'>;
  /** Where work nobody awaits goes (default: its own, logging and auditing failures). */
  tasks?: BackgroundTasks;
  /** Whether the device's policy lets several technicians be in session at once. */
  concurrentSessionsAllowed?(deviceId: string): Promise<boolean>;
}

/** A session this node is relaying (or waiting to). */
export interface LiveSession extends GuestHost {
  record: SessionRecord;
  technician: string;
  /** The right the technician's end needs on the device's group, checked again at the join. */
  right: DeviceRight;
  /** Terminal size the console asked for: the recording's initial size. */
  size: { cols: number; rows: number };
  console?: QueuedPeer;
  agent?: QueuedPeer;
  pair?: RelayPair;
  recording?: ActiveRecording;
  cancelTimer: CancelTimer;
  ending: boolean;
  /** The console end is authorised by its one-time relay ticket alone (integration API URLs). */
  consoleByTicket: boolean;
  /** Admission's terms: the access window the session runs in. */
  admission: Admission;
  windowWatch?: AccessWindowWatch;
  lifetimeWatch?: AccessWindowWatch;
  /** While the user at the device is asked to consent: until when (M-1). */
  consentExpiresAt?: Date;
  /** Called once when the session is over, however it ended. */
  onFinished?: () => void;
}

/** What starting a session (session-start.ts) may do to the service that holds it. */
export interface SessionControl {
  tasks: BackgroundTasks;
  /** Ends the session (API, refusal, failure); resolves once its end is recorded. */
  end(sessionId: string, reason: string, code?: number): Promise<void>;
  /** Ends it without waiting; a failure is logged and audited. */
  endSoon(sessionId: string, reason: string, code?: number): void;
  /** The relay pair ended: the rest of the end (store, recording, audit). */
  finish(live: LiveSession, reason: string): Promise<void>;
}
