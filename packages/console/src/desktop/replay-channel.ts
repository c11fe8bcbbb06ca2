import type { RfbChannel } from '@novnc/novnc';

/** Larger pieces would grow noVNC's receive queue past its limit (40 MiB). */
const PIECE_BYTES = 1024 * 1024;

/**
 * A channel noVNC reads a recording from instead of a WebSocket: already open, fed with
 * {@link ReplayChannel.deliver}; what noVNC sends back (its half of the handshake, update
 * requests) is dropped.
 *
 * @example
 * const channel = new ReplayChannel();
 * const rfb = new RFB(element, channel);
 * channel.deliver(bytes);
 */
export class ReplayChannel implements RfbChannel {
  binaryType = 'arraybuffer';
  readonly protocol = '';
  readyState: string = 'open';
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private listener: ((event: MessageEvent) => void) | null = null;
  private pending: Uint8Array[] = [];

  get onmessage(): ((event: MessageEvent) => void) | null {
    return this.listener;
  }

  set onmessage(listener: ((event: MessageEvent) => void) | null) {
    this.listener = listener;
    const pending = this.pending;
    this.pending = [];
    for (const bytes of pending) this.deliver(bytes);
  }

  /** Hands recorded bytes to noVNC (kept until it listens). */
  deliver(bytes: Uint8Array): void {
    if (this.readyState !== 'open') return;
    const listener = this.listener;
    if (!listener) {
      this.pending.push(bytes);
      return;
    }
    for (let start = 0; start < bytes.length; start += PIECE_BYTES) {
      const piece = bytes.slice(start, start + PIECE_BYTES);
      listener(new MessageEvent('message', { data: piece.buffer }));
    }
  }

  send(): void {
    // A recording cannot be answered.
  }

  close(): void {
    this.readyState = 'closed';
  }
}
