import { createBackgroundTasks, type BackgroundTasks } from '../jobs/background-tasks.js';
import {
  AppError,
  relayPath,
  wsCloseCode,
  type CreateSessionRequest,
  type CreateSessionResponse,
  type ErrorBody,
  type Permission,
  sessionRight,
  type DeviceRight,
  type RecordingMode,
  type SessionKind,
} from '@tether/protocol';
import type { Admission } from '../assistance/admit-session.js';
import type { AccessWindowWatch } from '../assistance/access-window-watch.js';
import { watchSessionWindow, type AdmitSession } from '../assistance/session-terms.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CancelTimer, Clock } from '../clock.js';
import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import type { DeviceRights } from '../rights/device-rights.js';
import { pairPeers, type RelayPair } from '../relay/index.js';
import { QueuedPeer } from '../relay/queued-peer.js';
import type { RelayPeer } from '../relay/relay-peer.js';
import type { SessionRecord, Store, UserRecord } from '../store/store.js';
import { RelayTickets, type RelayRole } from './relay-tickets.js';
import {
  joinGuest,
  refuseOtherTechnician,
  type GuestGrant,
  type GuestHost,
  type RunningSession,
} from './session-guests.js';
import { isFannedOut, SharedConsole } from './shared-console.js';
import { GuestStreams } from './guest-streams.js';
import { admitNewSession, offerSession } from './session-admission.js';
import {
  finishRecording,
  relayTapOf,
  startRecording,
  type ActiveRecording,
} from './session-recording.js';
import { watchSessionLifetime } from './session-lifetime.js';
import { toApiSession } from './session-view.js';

export interface SessionServiceDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  presence: DevicePresence;
  log: Logger;
  recordingsDir: string;
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
  /** Whether the device's policy lets several technicians be in session at once (A-9). */
  concurrentSessionsAllowed?(deviceId: string): Promise<boolean>;
}

/** A session this node is relaying (or waiting to). */
interface LiveSession extends GuestHost {
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
  /** Admission's terms: the access window the session runs in (A-15). */
  admission: Admission;
  windowWatch?: AccessWindowWatch;
  lifetimeWatch?: AccessWindowWatch;
  /** While the user at the device is asked to consent: until when (M-1). */
  consentExpiresAt?: Date;
  /** Called once when the session is over, however it ended. */
  onFinished?: () => void;
}

/** How a session is opened beyond the technician's request. */
export interface CreateSessionOptions {
  /** The console end is authorised by its one-time relay ticket alone (integration API URLs). */
  consoleByTicket?: boolean;
  /** The unattended access whose one-time password was given (M-2). */
  accessId?: string;
  /** Called once when the session is over, however it ended. */
  onFinished?: () => void;
}

/**
 * Sessions (DESIGN.md, Sessions and the relay): checks, the offer to the agent, one-time relay
 * tokens, pairing both ends with the recording tap, and an orderly end whoever causes it.
 */
export class SessionService {
  private readonly live = new Map<string, LiveSession>();
  private readonly tickets: RelayTickets;
  /** Sessions' end work still writing to the store: shutdown waits for it. */
  private readonly finishing = new Set<Promise<void>>();

  private readonly tasks: BackgroundTasks;
  private readonly endListeners = new Set<(sessionId: string) => void>();
  /** Guests' own streams of desktop and files sessions. */
  private readonly streams: GuestStreams;

  constructor(private readonly deps: SessionServiceDeps) {
    this.tickets = new RelayTickets(deps.clock, deps.relayTokenTtlSec * 1000);
    this.streams = new GuestStreams({
      tickets: this.tickets,
      clock: deps.clock,
      ttlMs: deps.relayTokenTtlSec * 1000,
    });
    this.tasks = deps.tasks ?? createBackgroundTasks(deps);
  }

  get activeCount(): number {
    return this.live.size;
  }

  async create(
    user: UserRecord,
    request: CreateSessionRequest,
    sourceAddress: string,
    options: CreateSessionOptions = {},
  ): Promise<CreateSessionResponse> {
    const right = sessionRight(request.kind, request.viewOnly);
    // Integration sessions are authorised by the integrator's device key, not by a user's grants.
    if (!options.consoleByTicket)
      await this.deps.rights.authorize(user, request.deviceId, right, { sourceAddress });
    await refuseOtherTechnician(this.deps, this.live.values(), {
      user,
      deviceId: request.deviceId,
      sourceAddress,
    });
    const input = { user, request, sourceAddress, accessId: options.accessId };
    const admitted = await admitNewSession(this.deps, input);
    const { record, admission } = admitted;
    const consoleTicket = this.tickets.issue(record.id, 'console');
    const agentTicket = this.tickets.issue(record.id, 'agent');
    const cancelTimer = this.deps.clock.setTimer(
      () => this.expirePending(record.id),
      this.deps.relayTokenTtlSec * 1000,
    );
    this.live.set(record.id, {
      record,
      technician: user.username,
      right,
      size: { cols: request.cols ?? 80, rows: request.rows ?? 24 },
      cancelTimer,
      ending: false,
      consoleByTicket: options.consoleByTicket ?? false,
      admission,
      ...(options.onFinished ? { onFinished: options.onFinished } : {}),
      guests: new Map(),
    });
    await offerSession(this.deps, admitted, { ...input, agentToken: agentTicket.token });
    return {
      session: toApiSession(record),
      relay: {
        path: relayPath(record.id),
        token: consoleTicket.token,
        expiresAt: consoleTicket.expiresAt.toISOString(),
      },
    };
  }

  /**
   * One end joins the relay. The token decides which end; the console end must also be the
   * technician who asked for the session. Throws the refusal (the transport closes with it).
   */
  join(input: {
    sessionId: string;
    token: string;
    peer: RelayPeer;
    user?: UserRecord;
    /** What the user's role allows now (it may have changed since the session was opened). */
    permissions?: readonly Permission[];
  }): RelayRole {
    const ticket = this.tickets.redeemTicket(input.sessionId, input.token);
    const { role, guestId } = ticket;
    if (this.streams.has(input.sessionId)) {
      this.streams.join(input.sessionId, ticket, input);
      return role;
    }
    const live = this.live.get(input.sessionId);
    if (!live || live.ending)
      throw new AppError('SESSION_ENDED', 'This session has already ended.');
    if (role === 'guest') {
      joinGuest(live, guestId, input);
      return role;
    }
    if (role === 'console' && !live.consoleByTicket) {
      if (input.user?.id !== live.record.userId)
        throw new AppError('FORBIDDEN', 'Only the technician who opened this session can join it.');
      if (!input.permissions?.includes('sessions.open'))
        throw new AppError(
          'FORBIDDEN',
          'Your role does not allow opening sessions (it needs the permission "sessions.open").',
        );
    }
    const peer = new QueuedPeer(input.peer);
    live[role] = peer;
    peer.onClose((code, reason) => {
      if (!live.pair)
        this.endSoon(
          live.record.id,
          `The ${role} left before the session started${reason ? `: ${reason}` : ''}.`,
          code,
        );
    });
    if (live.console && live.agent)
      this.tasks.run('start a session', () => this.start(live), { sessionId: live.record.id });
    return role;
  }

  /**
   * What the technician's end of a session must still hold when it joins the relay: the right on
   * the device's group (a grant revoked since the session was requested counts). Undefined for
   * sessions this node does not relay and for those authorised by their ticket alone.
   */
  consoleRightOf(
    sessionId: string,
    token?: string,
  ): { deviceId: string; right: DeviceRight; isGuest: boolean } | undefined {
    const live = this.live.get(sessionId);
    if (!live) {
      const stream = this.streams.rightOf(sessionId);
      return stream && { ...stream, isGuest: true };
    }
    const guestId = token === undefined ? undefined : this.tickets.guestOf(sessionId, token);
    if (guestId !== undefined) {
      const grant = live.guests.get(guestId);
      // An external guest has no login: their one-time ticket is their authority.
      if (!grant?.userId) return undefined;
      return { deviceId: live.record.deviceId, right: grant.right, isGuest: true };
    }
    if (live.consoleByTicket) return undefined;
    return { deviceId: live.record.deviceId, right: live.right, isGuest: false };
  }

  /** A session relaying now (guests can be invited into it); undefined otherwise. */
  running(sessionId: string): RunningSession | undefined {
    const live = this.live.get(sessionId);
    if (!live?.shared || live.ending) return undefined;
    return { record: live.record, technician: live.technician, right: live.right };
  }

  /**
   * Admits a guest into a running session: the relay ticket their end joins with (once,
   * within the relay TTL). Throws SESSION_ENDED when the session is not running.
   */
  admitGuest(
    sessionId: string,
    grant: GuestGrant,
  ): { path: string; token: string; expiresAt: Date } {
    const live = this.live.get(sessionId);
    if (!live?.shared || live.ending)
      throw new AppError('SESSION_ENDED', 'This session has ended; there is nothing to join.');
    const { record } = live;
    if (!isFannedOut(record.kind)) {
      const link = this.deps.presence.get(record.deviceId);
      if (!link) throw new AppError('DEVICE_OFFLINE', 'The device is offline.');
      const parent = { ...record, technician: live.technician };
      return this.streams.open(parent, grant, link);
    }
    live.guests.set(grant.id, grant);
    return { path: relayPath(sessionId), ...this.tickets.issue(sessionId, 'guest', grant.id) };
  }

  /** Closes a guest's end (their invitation was withdrawn); the session goes on. */
  removeGuest(sessionId: string, guestId: string, reason: string): void {
    const live = this.live.get(sessionId);
    live?.guests.delete(guestId);
    live?.shared?.removeGuest(guestId, wsCloseCode.FORBIDDEN, reason);
    this.streams.closeOf(sessionId, reason, guestId);
  }

  /** Calls `listener` with each session's ID once it is over. */
  onSessionEnded(listener: (sessionId: string) => void): void {
    this.endListeners.add(listener);
  }

  /** Ends a session without waiting (a callback's context); a failure is logged and audited. */
  private endSoon(sessionId: string, reason: string, code?: number): void {
    this.tasks.run('end a session', () => this.end(sessionId, reason, code), { sessionId });
  }

  /** Ends a session from the server side (API, agent refusal, timeout, shutdown). */
  async end(sessionId: string, reason: string, code = 1000): Promise<void> {
    const live = this.live.get(sessionId);
    if (!live || live.ending) return;
    if (live.pair) {
      live.pair.close(code, reason); // onEnd of the pair finishes the rest
      return;
    }
    live.ending = true;
    live.console?.close(code, reason);
    live.agent?.close(code, reason);
    if (!live.agent)
      this.deps.presence
        .get(live.record.deviceId)
        ?.send({ type: 'session.cancel', sessionId, reason });
    await this.finish(live, reason);
  }

  /**
   * A session as the API shows it, with what it waits for while pending. Undefined when this
   * node does not relay it.
   */
  consentExpiresAt(sessionId: string): Date | undefined {
    const live = this.live.get(sessionId);
    return live && !live.pair ? live.consentExpiresAt : undefined;
  }

  /** The agent is asking the user at the device to consent (M-1). */
  onConsentPending(deviceId: string, sessionId: string, expiresAt: Date): void {
    const live = this.live.get(sessionId);
    if (live?.record.deviceId === deviceId) live.consentExpiresAt = expiresAt;
  }

  /** The agent could not start the session it was offered. */
  onAgentRefused(deviceId: string, sessionId: string, error: ErrorBody): void {
    this.streams.close(sessionId, error.message, wsCloseCode[error.code]);
    const live = this.live.get(sessionId);
    if (live?.record.deviceId !== deviceId) return;
    this.deps.audit
      .record({
        action: 'session.refused',
        actor: `device:${deviceId}`,
        target: deviceId,
        details: { sessionId, code: error.code, message: error.message },
      })
      .catch((failure: unknown) => this.deps.log.error({ err: failure }, 'audit failed'));
    this.endSoon(sessionId, error.message, wsCloseCode[error.code]);
  }

  /** The device's control channel dropped: sessions it had not joined yet cannot start. */
  onDeviceDisconnected(deviceId: string): void {
    for (const live of this.live.values()) {
      if (live.record.deviceId === deviceId && !live.agent) {
        this.endSoon(
          live.record.id,
          'The device disconnected before the session started.',
          wsCloseCode.DEVICE_OFFLINE,
        );
      }
    }
  }

  /** Ends everything (server shutdown); resolves once their end is in the store. */
  async endAll(reason: string): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.end(id, reason, 1001)));
    await Promise.all([...this.finishing]);
  }

  private expirePending(sessionId: string): void {
    const live = this.live.get(sessionId);
    if (!live || live.pair) return;
    const missing = live.agent ? 'console' : 'device';
    this.endSoon(
      sessionId,
      `The ${missing} did not join the session within ${this.deps.relayTokenTtlSec} s.`,
      wsCloseCode.UNAVAILABLE,
    );
  }

  private async start(live: LiveSession): Promise<void> {
    const { record } = live;
    const consolePeer = live.console;
    const agentPeer = live.agent;
    if (!consolePeer || !agentPeer) return;
    live.cancelTimer();
    try {
      if ((await this.deps.recordingModeFor(record.deviceId, record.kind)) === 'required') {
        live.recording = await startRecording(this.deps, live, (error) => {
          this.deps.log.error({ err: error, sessionId: record.id }, 'recording failed');
          this.endSoon(
            record.id,
            'Recording failed, so the session was ended (recording is required).',
            wsCloseCode.UNAVAILABLE,
          );
        });
      }
    } catch (error) {
      this.deps.log.error({ err: error, sessionId: record.id }, 'cannot start recording');
      await this.end(
        record.id,
        'The session could not be recorded, so it was not started (recording is required).',
        wsCloseCode.UNAVAILABLE,
      );
      return;
    }
    if (live.ending || consolePeer.isClosed || agentPeer.isClosed) {
      await this.end(record.id, 'One side left before the session started.');
      return;
    }
    live.shared = new SharedConsole(consolePeer, record.kind);
    live.pair = pairPeers({
      sessionId: record.id,
      console: live.shared,
      agent: agentPeer,
      tap: relayTapOf(this.deps, live, live.recording),
      onEnd: (end) => {
        live.ending = true;
        this.tasks.run('finish a session', () =>
          this.finish(live, end.reason || `Ended by the ${end.by}.`),
        );
      },
    });
    this.watchTerms(live, consolePeer);
    try {
      await this.deps.store.sessions.markActive(record.id, this.deps.clock.now());
      await this.deps.audit.record({
        action: 'session.started',
        actor: live.technician,
        target: record.deviceId,
        details: { sessionId: record.id, kind: record.kind },
      });
    } catch (error) {
      // The session relays already; nobody awaits `start`, so a rejection (the database went
      // down this moment) would crash the server. Its end is still recorded by `finish`.
      this.deps.log.error({ err: error, sessionId: record.id }, 'cannot record the session start');
    }
  }

  /** Ends a running session when its access window closes or its absolute lifetime runs out. */
  private watchTerms(live: LiveSession, consolePeer: QueuedPeer): void {
    const { record } = live;
    live.windowWatch = watchSessionWindow(
      { ...this.deps, tasks: this.tasks, checkEveryMs: this.deps.accessCheckMs ?? 1000 },
      {
        id: record.id,
        deviceId: record.deviceId,
        kind: record.kind,
        admission: live.admission,
        sendToConsole: (frame) => consolePeer.send(frame, () => undefined),
        end: (reason, code) => this.endSoon(record.id, reason, code),
      },
    );
    live.lifetimeWatch = watchSessionLifetime(
      { ...this.deps, checkEveryMs: this.deps.accessCheckMs ?? 1000 },
      {
        ...record,
        technician: live.technician,
        maxLifetimeSec: this.deps.maxLifetimeSec,
        end: (reason, code) => this.endSoon(record.id, reason, code),
      },
    );
  }

  private finish(live: LiveSession, reason: string): Promise<void> {
    const done = this.finishNow(live, reason);
    this.finishing.add(done);
    return done.finally(() => this.finishing.delete(done));
  }

  private async finishNow(live: LiveSession, reason: string): Promise<void> {
    const { record } = live;
    if (this.live.get(record.id) !== live) return;
    this.live.delete(record.id);
    live.cancelTimer();
    live.onFinished?.();
    live.windowWatch?.stop();
    live.lifetimeWatch?.stop();
    this.tickets.revokeSession(record.id);
    live.guests.clear();
    this.streams.closeOf(record.id, reason);
    for (const listener of this.endListeners) listener(record.id);
    const now = this.deps.clock.now();
    try {
      await this.deps.store.sessions.end(record.id, now, reason);
      if (live.recording) {
        this.deps.onRecordingFinished(await finishRecording(this.deps, live.recording, now));
      }
      await this.deps.audit.record({
        action: 'session.ended',
        actor: live.technician,
        target: record.deviceId,
        details: { sessionId: record.id, reason },
      });
    } catch (error) {
      this.deps.log.error({ err: error, sessionId: record.id }, 'could not finish session');
    }
  }
}
