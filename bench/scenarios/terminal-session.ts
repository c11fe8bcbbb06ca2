import { performance } from 'node:perf_hooks';
import { CreateSessionResponse, decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import type { RawData, WebSocket } from 'ws';
import { rawBytes } from '../lib/raw-bytes.js';
import type { ServerProcess } from '../lib/server-process.js';

/** A technician's terminal session, timed from the API request. */
export interface TimedTerminal {
  socket: WebSocket;
  /** ms from the POST to the answer, to the relay socket open, to the first DATA frame. */
  timings: { createMs: number; openMs: number; firstByteMs: number };
}

/**
 * Opens a terminal like the console does (POST /api/v1/sessions, then the relay WebSocket with
 * the ticket, then a RESIZE) and resolves at the first DATA frame from the device — the shell's
 * first output — with the timings of each step measured from just before the POST.
 *
 * @example
 * const { timings, socket } = await openTimedTerminal(server, deviceId);
 */
export async function openTimedTerminal(
  server: ServerProcess,
  deviceId: string,
  timeoutMs = 15_000,
): Promise<TimedTerminal> {
  const startedAt = performance.now();
  const response = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
    cols: 100,
    rows: 30,
  });
  if (response.status !== 201)
    throw new Error(`session request failed: ${response.status} ${response.text}`);
  const createMs = performance.now() - startedAt;
  const { relay } = response.json(CreateSessionResponse);
  const socket = server.admin.websocket(`${relay.path}?token=${relay.token}`);
  let openMs = Number.NaN;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no terminal output in time')), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      socket.terminate();
      reject(error);
    }
    socket.once('error', fail);
    socket.once('close', (code, reason) =>
      fail(new Error(`the relay closed (${code} ${reason.toString()})`)),
    );
    socket.once('open', () => {
      openMs = performance.now() - startedAt;
      socket.send(encodeTerminalFrame({ type: 'resize', cols: 100, rows: 30 }));
    });
    const onMessage = (data: RawData): void => {
      const frame = decodeTerminalFrame(rawBytes(data));
      if (frame?.type !== 'data' || frame.data.length === 0) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      resolve({
        socket,
        timings: { createMs, openMs, firstByteMs: performance.now() - startedAt },
      });
    };
    socket.on('message', onMessage);
  });
}

/** Resolves once `quietMs` pass without a message (the shell finished printing its prompt). */
export function waitForQuiet(
  socket: WebSocket,
  quietMs: number,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer = setTimeout(done, quietMs);
    const deadline = setTimeout(() => {
      cleanupListeners();
      reject(new Error('the terminal never went quiet'));
    }, timeoutMs);
    function onMessage(): void {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    }
    function cleanupListeners(): void {
      clearTimeout(timer);
      clearTimeout(deadline);
      socket.off('message', onMessage);
    }
    function done(): void {
      cleanupListeners();
      resolve();
    }
    socket.on('message', onMessage);
  });
}
