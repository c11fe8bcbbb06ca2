import type { RfbChannel } from '@novnc/novnc';

/** Larger pieces would grow noVNC's receive queue past its limit (40 MiB). */
const PIECE_BYTES = 1024 * 1024;
/** Bytes handed to noVNC per task: it catches up between tasks. */
const TASK_BYTES = 4 * 1024 * 1024;

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
  private isScheduled = false;

  get onmessage(): ((event: MessageEvent) => void) | null {
    return this.listener;
  }

  set onmessage(listener: ((event: MessageEvent) => void) | null) {
    this.listener = listener;
    this.schedule();
  }

  /**
   * Hands recorded bytes to noVNC as one message (or several, when large), in a later task:
   * noVNC defers parts of its work (handshake steps, frame flushes) to later tasks, and a seek
   * delivers a whole recording's worth at once, so it is fed at most {@link TASK_BYTES} per task.
   */
  deliver(bytes: Uint8Array): void {
    if (this.readyState !== 'open') return;
    for (let start = 0; start < bytes.length; start += PIECE_BYTES)
      this.pending.push(bytes.slice(start, start + PIECE_BYTES));
    this.schedule();
  }

  private schedule(): void {
    if (this.isScheduled || !this.listener || this.pending.length === 0) return;
    this.isScheduled = true;
    setTimeout(() => {
      this.isScheduled = false;
      let budget = TASK_BYTES;
      while (budget > 0 && this.listener && this.readyState === 'open') {
        const piece = this.pending.shift();
        if (!piece) break;
        budget -= piece.length;
        this.listener(new MessageEvent('message', { data: piece.buffer }));
      }
      this.schedule();
    }, 0);
  }

  send(): void {
    // A recording cannot be answered.
  }

  close(): void {
    this.readyState = 'closed';
    this.pending = [];
  }
}
