/** Client → server RFB message types the agent understands (RFC 6143 and common extensions). */
const MESSAGE = {
  setPixelFormat: 0,
  setEncodings: 2,
  framebufferUpdateRequest: 3,
  keyEvent: 4,
  pointerEvent: 5,
  clientCutText: 6,
  enableContinuousUpdates: 150,
  clientFence: 248,
  setDesktopSize: 251,
} as const;

/** Messages that act on the device: dropped in view-only sessions. */
const INPUT_TYPES = new Set<number>([
  MESSAGE.keyEvent,
  MESSAGE.pointerEvent,
  MESSAGE.clientCutText,
  MESSAGE.setDesktopSize,
]);

/** Clipboard text above this is refused (a technician pastes text, not files). */
const MAX_CUT_TEXT_BYTES = 10 * 1024 * 1024;

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
 * keyboard, pointer, clipboard and resize messages — the enforcement point of view-only.
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
      const length = messageLength(this.pending);
      if (length === undefined || this.pending.length < length) break;
      const message = Buffer.from(this.pending.subarray(0, length));
      this.pending = this.pending.subarray(length);
      if (this.options.viewOnly && INPUT_TYPES.has(message[0] ?? -1)) result.dropped += 1;
      else result.forward.push(message);
    }
    return result;
  }
}

/** The whole length of the message at the start of `bytes`, or undefined until it is known. */
function messageLength(bytes: Buffer): number | undefined {
  if (bytes.length === 0) return undefined;
  const type = bytes[0] ?? -1;
  switch (type) {
    case MESSAGE.setPixelFormat:
      return 20;
    case MESSAGE.setEncodings:
      return bytes.length < 4 ? undefined : 4 + 4 * bytes.readUInt16BE(2);
    case MESSAGE.framebufferUpdateRequest:
    case MESSAGE.enableContinuousUpdates:
      return 10;
    case MESSAGE.keyEvent:
      return 8;
    case MESSAGE.pointerEvent:
      return 6;
    case MESSAGE.clientCutText: {
      if (bytes.length < 8) return undefined;
      // Extended clipboard sends a negative length; its payload is the absolute value.
      const length = Math.abs(bytes.readInt32BE(4));
      if (length > MAX_CUT_TEXT_BYTES)
        throw new RfbProtocolError(`clipboard text of ${length} bytes is over the limit`);
      return 8 + length;
    }
    case MESSAGE.clientFence:
      return bytes.length < 9 ? undefined : 9 + (bytes[8] ?? 0);
    case MESSAGE.setDesktopSize:
      return bytes.length < 7 ? undefined : 8 + 16 * (bytes[6] ?? 0);
    default:
      throw new RfbProtocolError(`unknown RFB client message type ${String(type)}`);
  }
}
