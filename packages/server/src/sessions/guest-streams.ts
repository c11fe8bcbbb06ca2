import { randomUUID } from 'node:crypto';
import {
  AppError,
  relayPath,
  wsCloseCode,
  type DeviceRight,
  type Permission,
  type SessionKind,
} from '@tether/protocol';
import type { CancelTimer, Clock } from '../clock.js';
import type { AgentLink } from '../devices/device-presence.js';
import { pairPeers, type RelayPair } from '../relay/index.js';
import { QueuedPeer } from '../relay/queued-peer.js';
import type { RelayPeer } from '../relay/relay-peer.js';
import type { UserRecord } from '../store/store.js';
import type { RelayRole, RelayTickets } from './relay-tickets.js';
import type { Logger } from '../logging.js';
import { checkGuestLogin, type GuestGrant } from './session-guests.js';

/** One guest's own stream of a running desktop or files session. */
interface Stream {
  id: string;
  parentId: string;
  deviceId: string;
  grant: GuestGrant;
  console?: QueuedPeer;
  agent?: QueuedPeer;
  pair?: RelayPair;
  cancelTimer: CancelTimer;
  isOver: boolean;
}

/** The parent session a guest stream belongs to. */
export interface StreamParent {
  id: string;
  deviceId: string;
  kind: SessionKind;
  technician: string;
}

/**
 * Guests of desktop and files sessions. Unlike a terminal, these cannot be fanned out:
 * every RFB viewer needs its own handshake and framebuffer requests, every files client its own
 * request IDs. So the agent opens a second stream of the same session for the guest (the same
 * screen through the VNC server's shared mode, the same file roots), without asking the user
 * again, and ends it with the session. The stream is relayed like a session of its own and
 * admitted by one-time tickets; a desktop guest without control gets a view-only stream.
 */
export class GuestStreams {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly deps: { tickets: RelayTickets; clock: Clock; log: Logger; ttlMs: number },
  ) {}

  has(streamId: string): boolean {
    return this.streams.has(streamId);
  }

  /** Offers the guest's stream to the agent; returns the ticket the guest joins with. */
  async open(
    parent: StreamParent,
    grant: GuestGrant,
    link: AgentLink,
  ): Promise<{ path: string; token: string; expiresAt: Date }> {
    if (!link.capabilities.includes('participants'))
      throw new AppError(
        'UNSUPPORTED_VERSION',
        `The agent on this device is too old to share ${parent.kind} sessions; upgrade it, or share a terminal session.`,
      );
    const id = randomUUID();
    const { tickets } = this.deps;
    const agentTicket = await tickets.issue(id, 'agent');
    const guestTicket = await tickets.issue(id, 'guest', grant.id);
    const cancelTimer = this.deps.clock.setTimer(
      () => this.close(id, 'The guest did not join in time.', wsCloseCode.UNAVAILABLE),
      this.deps.ttlMs,
    );
    this.streams.set(id, {
      id,
      parentId: parent.id,
      deviceId: parent.deviceId,
      grant,
      cancelTimer,
      isOver: false,
    });
    link.send({
      type: 'session.offer',
      sessionId: id,
      kind: parent.kind,
      relayPath: relayPath(id),
      token: agentTicket.token,
      technician: parent.technician,
      guestOf: parent.id,
      ...(parent.kind === 'desktop' && !grant.hasControl ? { viewOnly: true } : {}),
    });
    return { path: relayPath(id), token: guestTicket.token, expiresAt: guestTicket.expiresAt };
  }

  /** The right an invited user's end needs (undefined: not a stream, or an external guest). */
  rightOf(streamId: string): { deviceId: string; right: DeviceRight } | undefined {
    const stream = this.streams.get(streamId);
    if (stream?.grant.userId === undefined) return undefined;
    return { deviceId: stream.deviceId, right: stream.grant.right };
  }

  /** One end joins a stream with its redeemed ticket; throws the refusal. */
  join(
    streamId: string,
    ticket: { role: RelayRole; guestId?: string },
    input: { peer: RelayPeer; user?: UserRecord; permissions?: readonly Permission[] },
  ): void {
    const stream = this.streams.get(streamId);
    if (!stream || stream.isOver) throw new AppError('SESSION_ENDED', 'This session has ended.');
    const peer = new QueuedPeer(input.peer);
    if (ticket.role === 'agent') stream.agent = peer;
    else if (ticket.role === 'guest' && ticket.guestId === stream.grant.id) {
      checkGuestLogin(stream.grant, input);
      stream.console = peer;
      stream.grant.onJoined();
    } else throw new AppError('TOKEN_INVALID', 'This relay token is not valid for this session.');
    peer.onClose((code, reason) => {
      if (!stream.pair) this.close(streamId, reason || 'One side left before it started.', code);
    });
    if (!stream.console || !stream.agent) return;
    stream.cancelTimer();
    stream.pair = pairPeers({
      sessionId: streamId,
      console: stream.console,
      agent: stream.agent,
      onEnd: (end) => this.finish(stream, end.reason || `Ended by the ${end.by}.`),
    });
  }

  /** The agent could not open the stream (its refusal), or the guest is removed. */
  close(streamId: string, reason: string, code = 1000): void {
    const stream = this.streams.get(streamId);
    if (!stream || stream.isOver) return;
    if (stream.pair) {
      stream.pair.close(code, reason);
      return;
    }
    stream.console?.close(code, reason);
    stream.agent?.close(code, reason);
    this.finish(stream, reason);
  }

  /** Closes the streams of a session (it ended), or of one of its guests. */
  closeOf(parentId: string, reason: string, guestId?: string): void {
    for (const stream of [...this.streams.values()])
      if (stream.parentId === parentId && (guestId === undefined || stream.grant.id === guestId))
        this.close(stream.id, reason, guestId === undefined ? 1000 : wsCloseCode.FORBIDDEN);
  }

  private finish(stream: Stream, reason: string): void {
    if (stream.isOver) return;
    stream.isOver = true;
    this.streams.delete(stream.id);
    stream.cancelTimer();
    this.deps.tickets
      .revokeSession(stream.id)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, streamId: stream.id }, 'cannot revoke relay tokens'),
      );
    if (stream.console) stream.grant.onLeft(reason);
  }
}
