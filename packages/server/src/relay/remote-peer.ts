import { z } from 'zod';
import type { RelayPeer } from './relay-peer.js';

/**
 * What two nodes say about one bridged relay end besides its frames: credit (bytes the
 * receiver is ready for) and the end's close, with the code as observed (1006 included: the
 * relay node turns it into the right "connection dropped" reason for the end's role).
 */
export const LinkControl = z.discriminatedUnion('type', [
  z.object({ type: z.literal('credit'), bytes: z.number().int().positive() }),
  z.object({
    type: z.literal('close'),
    code: z.number().int().min(1000).max(4999),
    reason: z.string().max(1024),
  }),
]);
export type LinkControl = z.infer<typeof LinkControl>;

/**
 * A transport between two nodes carrying one relay end: a direct node-to-node WebSocket or
 * the cluster bus. It moves frames and controls in order; flow control is {@link RemotePeer}'s.
 */
export interface NodeLink {
  sendData(data: Uint8Array): void;
  sendControl(control: LinkControl): void;
  onData(listener: (data: Uint8Array) => void): void;
  onControl(listener: (control: LinkControl) => void): void;
  /** The link broke without a close control (the other node died or is unreachable). */
  onBroken(listener: () => void): void;
  /** Releases the transport; nothing is sent after. */
  end(): void;
}

/**
 * Bytes a side may send before the other grants more. Past it, frames count as the relay's
 * backlog, so the lane stops reading its source once the window and its high-water mark are
 * both used: a round trip between nodes then never starves a fast session.
 */
export const BRIDGE_WINDOW_BYTES = 2 * 1024 * 1024;
/** Received bytes are granted back in batches of this size (well under the low-water mark). */
const GRANT_BATCH_BYTES = 128 * 1024;

/**
 * The other node's end of a session as a {@link RelayPeer}, with credit-based flow control over
 * a {@link NodeLink}. Sending: each frame spends credit; out of credit, its `onWritten` waits
 * until the receiver granted bytes back, so the relay's lane (pairPeers) stops reading its own
 * socket at its high-water mark past the window. Receiving: bytes are granted back as
 * they are handed on, except while the relay paused this peer (its destination is slow): the
 * sender then runs out of credit and stops reading its socket on the other node. Neither node
 * ever holds more than a window plus one frame per direction.
 */
export class RemotePeer implements RelayPeer {
  private sentBytes = 0;
  private grantedBytes = 0;
  private readonly unacknowledged: { upTo: number; onWritten: (error?: Error) => void }[] = [];
  private ungranted = 0;
  private isPaused = false;
  private early: Uint8Array[] | undefined = [];
  private messageListener: ((data: Uint8Array) => void) | undefined;
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];
  private closed: { code: number; reason: string } | undefined;

  /** `broken`: the close reported when the link breaks (which node is gone, in words). */
  constructor(
    private readonly link: NodeLink,
    broken: { code: number; reason: string },
  ) {
    link.onData((data) => this.receive(data));
    link.onControl((control) => {
      if (control.type === 'credit') this.acknowledge(control.bytes);
      else this.hangUp(control.code, control.reason);
    });
    link.onBroken(() => this.hangUp(broken.code, broken.reason));
  }

  /** Credit left: bytes this side may still send before the other grants more. */
  get credit(): number {
    return BRIDGE_WINDOW_BYTES - (this.sentBytes - this.grantedBytes);
  }

  send(data: Uint8Array, onWritten: (error?: Error) => void): void {
    if (this.closed) return;
    this.sentBytes += data.byteLength;
    this.link.sendData(data);
    // Within credit, a frame is as good as written; past it, it counts as the relay's backlog
    // until grants bring it back within the window.
    if (this.credit >= 0) onWritten();
    else this.unacknowledged.push({ upTo: this.sentBytes, onWritten });
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    this.grant(0);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.link.sendControl({ type: 'close', code, reason });
    this.hangUp(code, reason);
  }

  onMessage(listener: (data: Uint8Array) => void): void {
    this.messageListener = listener;
    const early = this.early ?? [];
    this.early = undefined;
    for (const data of early) this.deliver(data);
  }

  onClose(listener: (code: number, reason: string) => void): void {
    if (this.closed) listener(this.closed.code, this.closed.reason);
    else this.closeListeners.push(listener);
  }

  private receive(data: Uint8Array): void {
    if (this.closed) return;
    // Frames before the relay attached (the relay node is still checking the login) wait here:
    // at most a window, since nothing is granted back for them yet.
    if (this.early) this.early.push(data);
    else this.deliver(data);
  }

  private deliver(data: Uint8Array): void {
    this.messageListener?.(data);
    this.grant(data.byteLength);
  }

  private grant(bytes: number): void {
    this.ungranted += bytes;
    if (this.closed || this.isPaused || this.ungranted === 0) return;
    if (bytes > 0 && this.ungranted < GRANT_BATCH_BYTES) return;
    this.link.sendControl({ type: 'credit', bytes: this.ungranted });
    this.ungranted = 0;
  }

  private acknowledge(bytes: number): void {
    this.grantedBytes += bytes;
    while (
      this.unacknowledged[0] &&
      this.unacknowledged[0].upTo - this.grantedBytes <= BRIDGE_WINDOW_BYTES
    )
      this.unacknowledged.shift()?.onWritten();
  }

  private hangUp(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.early = undefined;
    this.link.end();
    for (const listener of this.closeListeners.splice(0)) listener(code, reason);
  }
}
