import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';

/** One timed transfer: `totalBytes` out and the same back. */
export interface EchoTransfer {
  seconds: number;
  bytesSent: number;
  bytesReceived: number;
  /** Set when the socket closed before the transfer completed: the close code and reason. */
  interruptedBy?: string;
}

/** Options of {@link pumpEcho}. */
export interface PumpOptions {
  totalBytes: number;
  messageBytes: number;
  /** Bytes sent but not yet echoed back that the sender allows itself (its own flow control). */
  windowBytes: number;
  frameKind: FrameKind;
}

/** What the transferred messages look like; see {@link echoFrame}. */
export type FrameKind = 'opaque' | 'terminal-output';

/**
 * A binary message of `size` bytes. `opaque` starts with 0x00, a byte no terminal frame type
 * uses, so the relay forwards it but the terminal recorder ignores it: the relay path itself, as
 * desktop and file sessions will use it. `terminal-output` is a terminal DATA frame (0x01) of
 * printable text, which the recorder writes to the session's asciicast file: what `cat` of a
 * large file costs.
 */
export function echoFrame(kind: FrameKind, size: number): Buffer {
  const frame = Buffer.alloc(size);
  const line = Buffer.from('the quick brown fox jumps over the lazy dog 0123456789\r\n');
  for (let offset = 1; offset < size; offset += line.length) line.copy(frame, offset);
  frame[0] = kind === 'opaque' ? 0x00 : 0x01;
  return frame;
}

/** Sends one small message and waits for it to come back: proves both ends are paired. */
export function probeEcho(socket: WebSocket, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo of the probe message')), timeoutMs);
    socket.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.send(echoFrame('opaque', 16));
  });
}

/**
 * Sends `totalBytes` in `messageBytes` messages, keeping at most `windowBytes` unanswered, and
 * resolves when all of it has come back (or with `interruptedBy` when the socket closes first).
 * The clock runs from the first send to the last echoed byte. Used unchanged against the Tether
 * relay and the bare pipe.
 *
 * @example
 * const { seconds } = await pumpEcho(socket, { totalBytes: 100 << 20, messageBytes: 64 << 10, windowBytes: 4 << 20 });
 */
export function pumpEcho(socket: WebSocket, options: PumpOptions): Promise<EchoTransfer> {
  const message = echoFrame(options.frameKind, options.messageBytes);
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    const startedAt = performance.now();
    const sendMore = (): void => {
      while (sent < options.totalBytes && sent - received < options.windowBytes) {
        socket.send(message);
        sent += message.length;
      }
    };
    const onMessage = (data: RawData): void => {
      received += byteLength(data);
      if (received < sent || sent < options.totalBytes) {
        sendMore();
        return;
      }
      finish();
    };
    const finish = (interruptedBy?: string): void => {
      const seconds = (performance.now() - startedAt) / 1000;
      socket.off('message', onMessage);
      socket.off('close', onClose);
      resolve({
        seconds,
        bytesSent: sent,
        bytesReceived: received,
        ...(interruptedBy ? { interruptedBy } : {}),
      });
    };
    const onClose = (code: number, reason: Buffer): void => finish(`${code} ${reason.toString()}`);
    socket.on('message', onMessage);
    socket.on('close', onClose);
    sendMore();
  });
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}
