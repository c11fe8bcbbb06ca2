import {
  AppError,
  type AgentMessage,
  type ErrorBody,
  type SessionKind,
  type SessionOffer,
  type SessionParticipant,
} from '@tether/protocol/agent';
import { homedir } from 'node:os';
import type { Logger } from '../logging.js';
import { createOfferGate, type OfferGate } from '../assistance/check-offer.js';
import { fixedUserPresence } from '../assistance/user-presence.js';
import type { SessionNotifier } from '../assistance/session-notices.js';
import type { UnattendedService } from '../assistance/unattended-service.js';
import type { Clock } from '../clock.js';
import type { RunningSession } from './running-session.js';
import type { ShellPool } from './terminal/shell-pool.js';
import type { VncTarget } from './desktop/vnc-upstream.js';

/** Where an offer came from: the control channel that delivered it. */
export interface OfferContext {
  /** Certificate fingerprint verified on that channel; the relay must present the same. */
  tlsFingerprint: string;
  /** Sends on that channel (used to refuse the offer). */
  send: (message: AgentMessage) => void;
}

/** Starts one kind of session. */
export type SessionStarter = (
  offer: SessionOffer,
  context: OfferContext,
) => Promise<RunningSession>;

/** The sessions this agent serves; see {@link createSessionRegistry}. */
export interface SessionRegistry {
  offer(offer: SessionOffer, context: OfferContext): void;
  cancel(sessionId: string, reason: string): void;
  /** A guest joined or left a running session: the user at the device is told. */
  participant(message: SessionParticipant): void;
  /** Ends every session (agent stopping) and waits until their resources are released. */
  stopAll(reason: string): Promise<void>;
  /** Sessions starting or running. */
  readonly size: number;
  /** Running sessions, for the user at the device (`tether agent sessions end`). */
  running(): {
    id: string;
    kind: SessionKind;
    technician: string;
    startedAt: number;
    guests: string[];
  }[];
}

interface Entry {
  offer: SessionOffer;
  session?: RunningSession;
  cancelReason?: string;
  /** Settles once the start attempt is over (and the session stopped, if cancelled meanwhile). */
  starting?: Promise<void>;
  startedAt?: number;
  /** Guests in the session now, as the user at the device reads them. */
  guests: Map<string, string>;
}

/**
 * Starts offered sessions, refuses those the agent cannot serve (with a `session.refused`
 * carrying a clear error), and ends them on `session.cancel` — also when the cancel arrives
 * while the session is still connecting.
 *
 * @example
 * const sessions = createSessionRegistry({ serverUrl, log, clock });
 * sessions.offer(offer, { tlsFingerprint, send });
 */
export function createSessionRegistry(options: {
  serverUrl: string;
  log: Logger;
  clock: Clock;
  /** Assistance checks before a session starts: rights, mode, the user's consent (M-1…M-4). */
  gate?: OfferGate;
  /** Replaces the starter of a kind (tests, future kinds). */
  starters?: Partial<Record<SessionKind, SessionStarter>>;
  /** Shells started ahead of time for terminal sessions. */
  shellPool?: ShellPool;
  /** Folders files sessions may use (default: the agent user's home). */
  fileRoots?: readonly string[];
  /** The device's VNC server for desktop sessions (none: desktop sessions are refused). */
  vnc?: VncTarget;
  /** Counts sessions under an unattended access, so its idle timer waits for them. */
  unattended?: UnattendedService;
  /** Tells the user at the device when a session starts and ends (M-1). */
  notify?: SessionNotifier;
}): SessionRegistry {
  const { log } = options;
  const entries = new Map<string, Entry>();
  const gate = options.gate ?? createOfferGate({ presence: fixedUserPresence('absent') });
  // Each kind's code loads with its first session: an idle agent (most of them, most of the
  // time) then never builds the frame codecs and schemas it does not use (~0.3 MiB, issue 14).
  const starters: Record<SessionKind, SessionStarter> = {
    terminal: async (offer, context) => {
      const { startTerminalSession } = await import('./terminal/terminal-session.js');
      return startTerminalSession(offer, {
        serverUrl: options.serverUrl,
        expectedFingerprint: context.tlsFingerprint,
        log,
        clock: options.clock,
        ...(options.shellPool ? { shellPool: options.shellPool } : {}),
      });
    },
    desktop: async (offer, context) => {
      const { startDesktopSession } = await import('./desktop/desktop-session.js');
      return startDesktopSession(offer, {
        serverUrl: options.serverUrl,
        expectedFingerprint: context.tlsFingerprint,
        log,
        clock: options.clock,
        vnc: options.vnc,
      });
    },
    files: async (offer, context) => {
      const { startFileSession } = await import('./files/file-session.js');
      return startFileSession(offer, {
        serverUrl: options.serverUrl,
        expectedFingerprint: context.tlsFingerprint,
        log,
        clock: options.clock,
        roots: options.fileRoots ?? [homedir()],
      });
    },
    ...options.starters,
  };

  const start = async (offer: SessionOffer, context: OfferContext, entry: Entry): Promise<void> => {
    let session: RunningSession;
    const parent = offer.guestOf === undefined ? undefined : entries.get(offer.guestOf);
    try {
      if (offer.guestOf === undefined) {
        const decision = gate(offer);
        if (decision) await decision;
      } else if (!parent?.session) {
        // A guest's stream joins a session the user already accepted, never a new one.
        throw new AppError('SESSION_ENDED', 'The session this guest was invited into has ended.');
      }
      session = await starters[offer.kind](offer, context);
    } catch (error) {
      entries.delete(offer.sessionId);
      const body = errorBody(error);
      log.warn(
        { sessionId: offer.sessionId, kind: offer.kind, code: body.code, err: error },
        `session refused: ${body.message}`,
      );
      context.send({ type: 'session.refused', sessionId: offer.sessionId, error: body });
      return;
    }
    entry.session = session;
    entry.startedAt = options.clock.now().getTime();
    const accessEnded = offer.accessId && options.unattended?.sessionStarted(offer.accessId);
    const notice = { id: offer.sessionId, kind: offer.kind, technician: offer.technician };
    // A guest's stream is told as the guest joining (session.participant), and ends with its session.
    const isGuestStream = parent?.session !== undefined;
    if (!isGuestStream) options.notify?.({ ...notice, state: 'started' });
    void parent?.session?.ended.then(() => session.stop('The session it belonged to ended.'));
    void session.ended.then(() => {
      entries.delete(offer.sessionId);
      if (accessEnded) accessEnded();
      if (!isGuestStream) options.notify?.({ ...notice, state: 'ended' });
    });
    if (entry.cancelReason !== undefined) await session.stop(entry.cancelReason);
  };

  return {
    offer(offer, context) {
      if (entries.has(offer.sessionId)) {
        log.warn({ sessionId: offer.sessionId }, 'ignored a repeated offer for a running session');
        return;
      }
      const entry: Entry = { offer, guests: new Map() };
      entries.set(offer.sessionId, entry);
      log.info(
        { sessionId: offer.sessionId, kind: offer.kind, technician: offer.technician },
        'session offered',
      );
      entry.starting = start(offer, context, entry);
    },
    participant(message) {
      const entry = entries.get(message.sessionId);
      if (!entry?.session) return;
      const { offer } = entry;
      const key = `${message.isExternal ? 'external' : 'user'}:${message.name}`;
      if (message.state === 'left') entry.guests.delete(key);
      else
        entry.guests.set(
          key,
          `${message.name}${message.isExternal ? ' (guest without an account)' : ''} ${message.hasControl ? '(control)' : '(view only)'}`,
        );
      log.info(
        {
          sessionId: offer.sessionId,
          guest: message.name,
          isExternal: message.isExternal,
          hasControl: message.hasControl,
        },
        `session guest ${message.state}`,
      );
      options.notify?.({
        id: offer.sessionId,
        kind: offer.kind,
        technician: offer.technician,
        state: message.state,
        guest: {
          name: message.name,
          isExternal: message.isExternal,
          hasControl: message.hasControl,
        },
      });
    },
    cancel(sessionId, reason) {
      const entry = entries.get(sessionId);
      if (!entry) return;
      log.info({ sessionId, reason }, 'session cancelled by the server');
      entry.cancelReason = reason;
      void entry.session?.stop(reason);
    },
    async stopAll(reason) {
      const pending = [...entries.values()].map((entry) => {
        entry.cancelReason ??= reason; // an earlier cancel keeps its reason
        return entry.session ? entry.session.stop(reason) : (entry.starting ?? Promise.resolve());
      });
      await Promise.all(pending);
    },
    get size() {
      return entries.size;
    },
    running: () =>
      [...entries.values()].flatMap(({ offer, session, startedAt, guests }) =>
        session && startedAt !== undefined && offer.guestOf === undefined
          ? [
              {
                id: offer.sessionId,
                kind: offer.kind,
                technician: offer.technician,
                startedAt,
                guests: [...guests.values()],
              },
            ]
          : [],
      ),
  };
}

function errorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  // Unknown failures may carry paths or internals: the technician gets a generic message and
  // the details stay in the agent's log.
  return {
    code: 'INTERNAL',
    message: 'The device could not start the session; see the agent log.',
  };
}
