import { closeReason, sendableCloseCode } from './close-codes.js';
import type { RelayPeer } from './relay-peer.js';

/**
 * Sees every message of a session as it passes (the recorder). Called synchronously, before the
 * message is forwarded; it must return quickly and never wait on I/O. A tap that throws ends
 * the session (a recording that cannot be taken must not be bypassed).
 */
export interface RelayTap {
  fromAgent(data: Uint8Array): void;
  fromConsole(data: Uint8Array): void;
  /**
   * The tap's own backlog (a recording waiting for the disk). While congested, the relay stops
   * reading from the agent: the recording slows the session down rather than fall behind, so
   * its memory stays bounded and nothing is skipped.
   */
  backpressure?: TapBackpressure;
}

/** Lets a tap hold the agent side of a session until it has caught up. */
export interface TapBackpressure {
  readonly isCongested: boolean;
  /** Called once, the next time the congestion clears. */
  onRelieved(listener: () => void): void;
}

/** Who ended a paired session, with the close code and reason passed to the other side. */
export interface RelayEnd {
  by: 'console' | 'agent' | 'server';
  code: number;
  reason: string;
  /** Set when the server ended the session because the tap threw. */
  error?: unknown;
}

/** Byte counters of a pair; `pending*` are bytes handed to a peer but not yet written out. */
export interface RelayStats {
  pendingToConsole: number;
  pendingToAgent: number;
  /** Highest `pending*` seen so far: the session's worst-case relay memory. */
  peakPendingToConsole: number;
  peakPendingToAgent: number;
  bytesFromAgent: number;
  bytesFromConsole: number;
}

/** Two peers piped together. */
export interface RelayPair {
  /** Ends the session from the server side: both peers are closed with this code and reason. */
  close(code: number, reason: string): void;
  stats(): RelayStats;
  readonly isEnded: boolean;
}

/** Options of {@link pairPeers}. */
export interface PairPeersOptions {
  sessionId: string;
  console: RelayPeer;
  agent: RelayPeer;
  tap?: RelayTap;
  /** Pause a source once this many bytes wait to be written to its destination. */
  highWaterMark?: number;
  /** Resume the source once the backlog is back to this many bytes. */
  lowWaterMark?: number;
  /** Called exactly once, whichever side ends the session. */
  onEnd: (end: RelayEnd) => void;
  /**
   * Pass the console side's close on to the agent side as it came (code as observed, reason
   * possibly empty): a node bridging a local end (`console`) to the session's relay node
   * (`agent`), which alone knows the end's role and so the right default reason.
   */
  keepCloses?: boolean;
}

export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;

const defaultReasons = {
  console: 'The technician left the session.',
  agent: 'The device ended the session.',
  server: 'The server ended the session.',
} as const;

/** Reasons when a side's connection dropped without a close frame (M-5: say why, not just "ended"). */
const droppedReasons = {
  console: 'The technician’s connection dropped.',
  agent: 'The device’s connection dropped: the agent stopped, restarted or lost its network.',
  server: defaultReasons.server,
} as const;

/**
 * One direction of a session: forwards the source's messages to the destination and stops
 * reading the source while the destination's backlog is above the high-water mark. The backlog
 * is therefore bounded by the high-water mark plus one message, whatever the speeds.
 */
class Lane {
  pending = 0;
  peakPending = 0;
  bytes = 0;
  private isPaused = false;
  private isStopped = false;
  /** Set while a congested tap holds the source. */
  private isHeld = false;

  constructor(
    private readonly source: RelayPeer,
    private readonly destination: RelayPeer,
    private readonly marks: { high: number; low: number },
  ) {}

  forward(data: Uint8Array): void {
    if (this.isStopped) return;
    const length = data.byteLength;
    this.bytes += length;
    this.pending += length;
    if (this.pending > this.peakPending) this.peakPending = this.pending;
    // The write error, if any, is not handled here: the failing socket's close event follows
    // and ends the session through the close path.
    this.destination.send(data, () => this.drained(length));
    if (!this.isPaused && this.pending > this.marks.high) {
      this.isPaused = true;
      this.source.pause();
    }
  }

  /** Stops reading the source until the tap's congestion clears. */
  holdFor(backpressure: TapBackpressure): void {
    if (this.isHeld || this.isStopped) return;
    this.isHeld = true;
    if (!this.isPaused) {
      this.isPaused = true;
      this.source.pause();
    }
    backpressure.onRelieved(() => {
      this.isHeld = false;
      this.resumeIfClear();
    });
  }

  /** Stops flow control for good; a source left paused is resumed so its close handshake runs. */
  stop(): void {
    this.isStopped = true;
    if (this.isPaused) {
      this.isPaused = false;
      this.source.resume();
    }
  }

  private drained(length: number): void {
    this.pending -= length;
    this.resumeIfClear();
  }

  private resumeIfClear(): void {
    if (this.isPaused && !this.isStopped && !this.isHeld && this.pending <= this.marks.low) {
      this.isPaused = false;
      this.source.resume();
    }
  }
}

/**
 * Pipes the binary messages of one session between the console and the agent, with flow control
 * per direction and an optional recording tap.
 *
 * @example
 * const pair = pairPeers({ sessionId, console: consolePeer, agent: agentPeer, tap, onEnd: (end) => log.info(end) });
 * // later, e.g. when an administrator terminates the session:
 * pair.close(1000, 'Ended by an administrator.');
 */
export function pairPeers(options: PairPeersOptions): RelayPair {
  const high = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const marks = { high, low: Math.min(options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK, high) };
  const { console: consolePeer, agent: agentPeer, tap } = options;
  const toConsole = new Lane(agentPeer, consolePeer, marks);
  const toAgent = new Lane(consolePeer, agentPeer, marks);
  let isEnded = false;

  const end = (by: RelayEnd['by'], code: number, reason: string, error?: unknown): void => {
    if (isEnded) return;
    isEnded = true;
    toConsole.stop();
    toAgent.stop();
    const sent = {
      code: sendableCloseCode(code),
      reason: closeReason(reason || (code === 1006 ? droppedReasons : defaultReasons)[by]),
    };
    if (by !== 'console') consolePeer.close(sent.code, sent.reason);
    const passed = options.keepCloses ? { code, reason } : sent;
    if (by !== 'agent') agentPeer.close(passed.code, passed.reason);
    options.onEnd(error === undefined ? { by, ...sent } : { by, ...sent, error });
  };

  const failTap = (error: unknown): void =>
    end('server', 1011, 'The session recording failed, so the session was ended.', error);

  const relay =
    (lane: Lane, tapSide: ((data: Uint8Array) => void) | undefined) => (data: Uint8Array) => {
      if (isEnded) return;
      if (tapSide) {
        try {
          tapSide(data);
        } catch (error) {
          failTap(error);
          return;
        }
      }
      // A lane stopped meanwhile (the tap may end the session synchronously) drops the message.
      lane.forward(data);
      if (lane === toConsole && tap?.backpressure?.isCongested) lane.holdFor(tap.backpressure);
    };
  agentPeer.onMessage(relay(toConsole, tap && ((data) => tap.fromAgent(data))));
  consolePeer.onMessage(relay(toAgent, tap && ((data) => tap.fromConsole(data))));
  consolePeer.onClose((code, reason) => end('console', code, reason));
  agentPeer.onClose((code, reason) => end('agent', code, reason));

  return {
    close: (code, reason) => end('server', code, reason),
    stats: () => ({
      pendingToConsole: toConsole.pending,
      pendingToAgent: toAgent.pending,
      peakPendingToConsole: toConsole.peakPending,
      peakPendingToAgent: toAgent.peakPending,
      bytesFromAgent: toConsole.bytes,
      bytesFromConsole: toAgent.bytes,
    }),
    get isEnded() {
      return isEnded;
    },
  };
}
