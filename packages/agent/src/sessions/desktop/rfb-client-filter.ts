import { clientMessageLength, isInputMessage } from './rfb-client-messages.js';

/** A client → server stream the agent will not forward; the session is then closed. */
export class RfbProtocolError extends Error {}

/** What one {@link RfbClientFilter.push} yields. */
export interface FilterResult {
  /** Whole messages to forward to the VNC server, in order. */
  forward: Buffer[];
  /** Messages dropped (view-only input). */
  dropped: number;
}

/**
 * Parses the client → server RFB stream after the security handshake (ClientInit first, then
 * messages) into whole messages, refuses unknown message types, and in view-only sessions drops
 * every message that acts on the device (keys, pointer, clipboard, resize, power, gii) — the
 * enforcement point of view-only.
 *
 * @example
 * const filter = new RfbClientFilter({ viewOnly: true });
 * const { forward } = filter.push(bytesFromConsole);
 */
export class RfbClientFilter {
  private pending = Buffer.alloc(0);
  private hasInit = false;

  constructor(private readonly options: { viewOnly: boolean }) {}

  /** Adds bytes from the console; returns the complete messages to forward. Throws {@link RfbProtocolError}. */
  push(bytes: Uint8Array): FilterResult {
    this.pending =
      this.pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([this.pending, bytes]);
    const result: FilterResult = { forward: [], dropped: 0 };
    if (!this.hasInit) {
      if (this.pending.length === 0) return result;
      this.hasInit = true;
      // ClientInit: always ask for a shared session, so the user at the device keeps theirs.
      result.forward.push(Buffer.from([1]));
      this.pending = this.pending.subarray(1);
    }
    for (;;) {
      const length = this.messageLength();
      if (length === undefined || this.pending.length < length) break;
      const message = Buffer.from(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
      if (this.options.viewOnly && isInputMessage(message)) result.dropped += 1;
      else result.forward.push(message);
    }
    return result;
  }

  private messageLength(): number | undefined {
    const length = clientMessageLength(this.pending);
    if (typeof length === 'string') throw new RfbProtocolError(length);
    return length;
  }
}
