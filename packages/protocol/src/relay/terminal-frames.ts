/**
 * Binary frames of a terminal session on the relay. One WebSocket binary message is one frame:
 * a one-byte type, then the payload.
 *
 * | type | direction | payload |
 * | --- | --- | --- |
 * | 0x01 DATA | both | pty output (agent → console) or keystrokes (console → agent) |
 * | 0x02 RESIZE | console → agent | u16 cols, u16 rows, big-endian |
 * | 0x03 EXIT | agent → console | i32 exit code, big-endian, then a UTF-8 reason |
 */
export const TerminalFrameType = { data: 0x01, resize: 0x02, exit: 0x03 } as const;

/** A decoded terminal frame. */
export type TerminalFrame =
  | { type: 'data'; data: Uint8Array }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'exit'; exitCode: number; reason: string };

/**
 * Encodes a frame.
 *
 * @example
 * socket.send(encodeTerminalFrame({ type: 'resize', cols: 120, rows: 40 }));
 */
export function encodeTerminalFrame(frame: TerminalFrame): Uint8Array {
  switch (frame.type) {
    case 'data': {
      const out = new Uint8Array(1 + frame.data.length);
      out[0] = TerminalFrameType.data;
      out.set(frame.data, 1);
      return out;
    }
    case 'resize': {
      const out = new Uint8Array(5);
      const view = new DataView(out.buffer);
      out[0] = TerminalFrameType.resize;
      view.setUint16(1, frame.cols);
      view.setUint16(3, frame.rows);
      return out;
    }
    case 'exit': {
      const reason = new TextEncoder().encode(frame.reason);
      const out = new Uint8Array(5 + reason.length);
      out[0] = TerminalFrameType.exit;
      new DataView(out.buffer).setInt32(1, frame.exitCode);
      out.set(reason, 5);
      return out;
    }
  }
}

/**
 * Decodes a frame; returns `undefined` for anything malformed (the receiver closes the session
 * with a reason rather than guessing).
 *
 * @example
 * const frame = decodeTerminalFrame(new Uint8Array(message));
 */
export function decodeTerminalFrame(bytes: Uint8Array): TerminalFrame | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (bytes[0]) {
    case TerminalFrameType.data:
      return { type: 'data', data: bytes.subarray(1) };
    case TerminalFrameType.resize: {
      if (bytes.length !== 5) return undefined;
      const cols = view.getUint16(1);
      const rows = view.getUint16(3);
      if (cols < 1 || rows < 1 || cols > 1000 || rows > 1000) return undefined;
      return { type: 'resize', cols, rows };
    }
    case TerminalFrameType.exit: {
      if (bytes.length < 5) return undefined;
      return {
        type: 'exit',
        exitCode: view.getInt32(1),
        reason: new TextDecoder().decode(bytes.subarray(5)),
      };
    }
    case undefined:
    default:
      return undefined;
  }
}
