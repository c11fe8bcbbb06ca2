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
} from '@tether/protocol';
import { QueuedPeer } from '../relay/queued-peer.js';
import type { RelayPeer } from '../relay/relay-peer.js';
import type { UserRecord } from '../store/store.js';
import { RelayTickets, type RelayRole } from './relay-tickets.js';
import {
  joinGuest,
  refuseOtherTechnician,
  type GuestGrant,
  type RunningSession,
} from './session-guests.js';
import { isFannedOut } from './shared-console.js';
import { GuestStreams } from './guest-streams.js';
import { admitNewSession, offerSession } from './session-admission.js';
import { finishRecording } from './session-recording.js';
import { toApiSession } from './session-view.js';
import type { LiveSession, SessionControl, SessionServiceDeps } from './live-session.js';
import { startLiveSession } from './session-start.js';

export type { SessionServiceDeps } from './live-session.js';

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
  /** What starting a session (session-start.ts) may do to it. */
  private readonly control: SessionControl;

  constructor(private readonly deps: SessionServiceDeps) {
    this.tickets = new RelayTickets(deps, deps.relayTokenTtlSec * 1000);
    this.streams = new GuestStreams({
      tickets: this.tickets,
      clock: deps.clock,
      log: deps.log,
      ttlMs: deps.relayTokenTtlSec * 1000,
    });
    this.tasks = deps.tasks ?? createBackgroundTasks(deps);
    this.control = {
      tasks: this.tasks,
      end: (sessionId, reason, code) => this.end(sessionId, reason, code),
      endSoon: (sessionId, reason, code) => this.endSoon(sessionId, reason, code),
      finish: (live, reason) => this.finish(live, reason),
    };
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
    const consoleTicket = await this.tickets.issue(record.id, 'console');
    const agentTicket = await this.tickets.issue(record.id, 'agent');
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
  async join(input: {
    sessionId: string;
    token: string;
    peer: RelayPeer;
    user?: UserRecord;
    /** What the user's role allows now (it may have changed since the session was opened). */
    permissions?: readonly Permission[];
  }): Promise<RelayRole> {
    const ticket = await this.tickets.redeemTicket(input.sessionId, input.token);
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
      this.tasks.run('start a session', () => startLiveSession(this.deps, live, this.control), {
        sessionId: live.record.id,
      });
    return role;
  }

  /**
   * What the technician's end of a session must still hold when it joins the relay: the right on
   * the device's group (a grant revoked since the session was requested counts). Undefined for
   * sessions this node does not relay and for those authorised by their ticket alone.
   */
  async consoleRightOf(
    sessionId: string,
    token?: string,
  ): Promise<{ deviceId: string; right: DeviceRight; isGuest: boolean } | undefined> {
    const live = this.live.get(sessionId);
    if (!live) {
      const stream = this.streams.rightOf(sessionId);
      return stream && { ...stream, isGuest: true };
    }
    const guestId = token === undefined ? undefined : await this.tickets.guestOf(sessionId, token);
    if (guestId !== undefined) {
      const grant = live.guests.get(guestId);
      // An external guest has no login: their one-time ticket is their authority.
      if (!grant?.userId) return undefined;
      return { deviceId: live.record.deviceId, right: grant.right, isGuest: true };
    }
    if (live.consoleByTicket) return undefined;
    return { deviceId: live.record.deviceId, right: live.right, isGuest: false };
  }

  /** Whether this node holds the session (or a guest stream of it): its ends pair here. */
  isRelayedHere(sessionId: string): boolean {
    return this.live.has(sessionId) || this.streams.has(sessionId);
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
  async admitGuest(
    sessionId: string,
    grant: GuestGrant,
  ): Promise<{ path: string; token: string; expiresAt: Date }> {
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
    return {
      path: relayPath(sessionId),
      ...(await this.tickets.issue(sessionId, 'guest', grant.id)),
    };
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
    // Started at once, awaited below: the rest of the end stays synchronous as before.
    const revoking = this.tickets
      .revokeSession(record.id)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, sessionId: record.id }, 'cannot revoke relay tokens'),
      );
    live.guests.clear();
    this.streams.closeOf(record.id, reason);
    for (const listener of this.endListeners) listener(record.id);
    await revoking;
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
