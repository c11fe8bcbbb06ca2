import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { spawn as spawnPty } from 'node-pty';
import { decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import type { RawData, WebSocket } from 'ws';
import { HttpsClient } from '../../test/support/https-client.js';
import type { Cleanup } from '../lib/cleanup.js';
import { certificateFingerprint } from '../lib/fingerprint.js';
import { opened } from '../lib/open-socket.js';
import { rawBytes } from '../lib/raw-bytes.js';
import { startBareDevice, startBarePipe } from './bare-pipe.js';

/** Something a character can be typed into and whose output can be watched. */
export interface Typist {
  type(bytes: Uint8Array): void;
  /** Calls `listener` with each piece of output until the returned function is called. */
  watch(listener: (bytes: Uint8Array) => void): () => void;
}

const ECHOED = 'x'.charCodeAt(0);
const ERASE = new TextEncoder().encode('\x7f');
const ECHO_DEVICE = fileURLToPath(new URL('./bare-echo-device.ts', import.meta.url));

/** Resolves with the first output that satisfies `accept`. */
function nextOutput(
  typist: Typist,
  accept: (bytes: Uint8Array) => boolean,
  timeoutMs = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no echo in time'));
    }, timeoutMs);
    const stop = typist.watch((bytes) => {
      if (!accept(bytes)) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/**
 * Types one character, times its echo, then erases it (untimed) so the line never grows.
 *
 * @example
 * const ms = await keystrokeRoundTrip(socketTypist(terminal.socket));
 */
export async function keystrokeRoundTrip(typist: Typist): Promise<number> {
  const echoed = nextOutput(typist, (bytes) => bytes.includes(ECHOED));
  const startedAt = performance.now();
  typist.type(new Uint8Array([ECHOED]));
  await echoed;
  const elapsed = performance.now() - startedAt;
  const erased = nextOutput(typist, () => true);
  typist.type(ERASE);
  await erased;
  return elapsed;
}

/**
 * Terminal DATA frames over a relay WebSocket (a Tether session, or the bare pipe's echo).
 *
 * @example
 * const typist = socketTypist(terminal.socket);
 */
export function socketTypist(socket: WebSocket): Typist {
  return {
    type: (bytes) => socket.send(encodeTerminalFrame({ type: 'data', data: bytes })),
    watch(listener) {
      const onMessage = (data: RawData): void => {
        const frame = decodeTerminalFrame(rawBytes(data));
        if (frame?.type === 'data') listener(frame.data);
      };
      socket.on('message', onMessage);
      return () => socket.off('message', onMessage);
    },
  };
}

/**
 * Reference 1: the same login shell on a pty of this process, no network — the part of a
 * keystroke's trip that no remote terminal can remove. Resolves once its prompt is quiet.
 *
 * @example
 * const pty = await openLocalPty(cleanup);
 */
export async function openLocalPty(cleanup: Cleanup): Promise<Typist> {
  const shell = process.env.SHELL ?? '/bin/bash';
  const pty = spawnPty(shell, ['-l'], { cols: 100, rows: 30, env: process.env });
  cleanup.defer('local pty', () => pty.kill('SIGHUP'));
  const typist: Typist = {
    type: (bytes) => pty.write(Buffer.from(bytes)),
    watch(listener) {
      const subscription = pty.onData((text) => listener(Buffer.from(text, 'utf8')));
      return () => subscription.dispose();
    },
  };
  await quiet(typist, 300);
  return typist;
}

/**
 * Reference 2: the bare `ws` pipe of scenario (a) to a stand-in device process that sends each
 * frame straight back — the network trip with no server logic, recording, pty or shell.
 *
 * @example
 * const pipe = await openBarePipeEcho(cleanup, { keysDir, ca });
 */
export async function openBarePipeEcho(
  cleanup: Cleanup,
  options: { keysDir: string; ca: string },
): Promise<Typist> {
  const pipe = await startBarePipe({
    certFile: join(options.keysDir, 'tls-self-signed.crt'),
    keyFile: join(options.keysDir, 'tls-self-signed.key'),
    cleanup,
  });
  const path = '/echo';
  await startBareDevice({
    script: ECHO_DEVICE,
    url: `${pipe.url}${path}`,
    fingerprint: certificateFingerprint(options.ca),
    cleanup,
  });
  const socket = await opened(new HttpsClient(pipe.url, options.ca).websocket(path));
  cleanup.defer('bare echo socket', () => socket.terminate());
  return socketTypist(socket);
}

/** Resolves once `quietMs` pass without output. */
function quiet(typist: Typist, quietMs: number, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer = setTimeout(done, quietMs);
    const deadline = setTimeout(() => {
      stop();
      clearTimeout(timer);
      reject(new Error('the local shell never went quiet'));
    }, timeoutMs);
    const stop = typist.watch(() => {
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    function done(): void {
      stop();
      clearTimeout(deadline);
      resolve();
    }
  });
}
