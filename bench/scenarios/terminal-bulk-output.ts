import { performance } from 'node:perf_hooks';
import { decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import type { RawData, WebSocket } from 'ws';
import { rawBytes } from '../lib/raw-bytes.js';

/** A shell printing a lot through a real terminal session (pty → agent → relay → recorder). */
export interface BulkOutputResult {
  requestedBytes: number;
  receivedBytes: number;
  seconds: number;
  /** MB = 10^6 bytes, one direction (device → technician). */
  MBps: number;
  completed: boolean;
  /** Close code and reason when the session ended before the output did. */
  interruptedBy?: string;
}

/** Printed by the shell after the output; typed as `$((40+2))` so the echoed command differs. */
const DONE_MARKER = 'bench-42-done';

/**
 * Makes the shell print `bytes` bytes (`head -c N /dev/zero | tr '\0' x`) and times their
 * arrival at the technician, or reports how the session ended if it did not survive.
 *
 * @example
 * const bulk = await measureBulkOutput(terminal.socket, { bytes: 100 * 2 ** 20 });
 */
export function measureBulkOutput(
  socket: WebSocket,
  options: { bytes: number; timeoutMs?: number },
): Promise<BulkOutputResult> {
  const command = `head -c ${options.bytes} /dev/zero | tr '\\0' x; echo; echo bench-$((40+2))-done\r`;
  return new Promise((resolve) => {
    let receivedBytes = 0;
    let tail = '';
    const startedAt = performance.now();
    const finish = (interruptedBy?: string): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      const seconds = (performance.now() - startedAt) / 1000;
      resolve({
        requestedBytes: options.bytes,
        receivedBytes,
        seconds: Math.round(seconds * 1000) / 1000,
        MBps: Math.round((receivedBytes / 1e6 / seconds) * 10) / 10,
        completed: interruptedBy === undefined,
        ...(interruptedBy === undefined ? {} : { interruptedBy }),
      });
    };
    const onMessage = (data: RawData): void => {
      const frame = decodeTerminalFrame(rawBytes(data));
      if (frame?.type !== 'data') return;
      receivedBytes += frame.data.length;
      tail = (tail + Buffer.from(frame.data).toString('latin1')).slice(-64);
      if (tail.includes(DONE_MARKER)) finish();
    };
    const onClose = (code: number, reason: Buffer): void => finish(`${code} ${reason.toString()}`);
    const timer = setTimeout(() => finish('timed out'), options.timeoutMs ?? 60_000);
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.send(encodeTerminalFrame({ type: 'data', data: new TextEncoder().encode(command) }));
  });
}
