import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeTerminalFrame, encodeTerminalFrame } from '@tether/protocol';
import type { RawData, WebSocket } from 'ws';
import type { Cleanup } from '../lib/cleanup.js';
import { closed } from '../lib/open-socket.js';
import { rawBytes } from '../lib/raw-bytes.js';
import { startServerProcess } from '../lib/server-process.js';
import { median, summarize, type Summary } from '../lib/summary.js';
import { startRealAgent } from './real-agent.js';
import { measureBulkOutput, type BulkOutputResult } from './terminal-bulk-output.js';
import { openTimedTerminal, waitForQuiet } from './terminal-session.js';

/** Result of scenario (d): POST /api/v1/sessions → first DATA frame, per session. */
export interface SessionFirstByteResult {
  sessions: number;
  firstByteMs: Summary;
  /** Breakdown: the POST's answer, and the relay socket open, from the same start. */
  createMs: Summary;
  openMs: Summary;
  /** The first session of the run (agent loads node-pty, server warms up); not in the figures. */
  coldFirstByteMs: number;
  /** `$SHELL -l -c true` run directly on this machine: the login shell's own start-up. */
  loginShellStartMs: number;
}

/** Result of scenario (e): one character typed → its echo, through relay, agent, pty and shell. */
export interface KeystrokeResult {
  samples: number;
  roundTripMs: Summary;
  /** Then, in the same terminal: a large output through pty, relay and recorder. */
  bulkOutput: BulkOutputResult;
}

const ECHOED = 'x'.charCodeAt(0);
const ERASE = new TextEncoder().encode('\x7f');

/** Median wall time of the login shell doing nothing, run directly (no pty, no Tether). */
function loginShellStartMs(): number {
  const shell = process.env.SHELL ?? '/bin/bash';
  const runs = Array.from({ length: 5 }, () => {
    const startedAt = performance.now();
    spawnSync(shell, ['-l', '-c', 'true'], { stdio: 'ignore' });
    return performance.now() - startedAt;
  });
  return Math.round(median(runs) * 100) / 100;
}

/** Resolves with the first DATA frame whose bytes satisfy `accept`. */
function nextData(
  socket: WebSocket,
  accept: (bytes: Uint8Array) => boolean,
  timeoutMs = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error('no echo from the terminal in time'));
    }, timeoutMs);
    function onMessage(data: RawData): void {
      const frame = decodeTerminalFrame(rawBytes(data));
      if (frame?.type !== 'data' || !accept(frame.data)) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve();
    }
    socket.on('message', onMessage);
  });
}

/** Types one character, times its echo, then erases it (untimed) so the line never grows. */
async function keystrokeRoundTrip(socket: WebSocket): Promise<number> {
  const echoed = nextData(socket, (bytes) => bytes.includes(ECHOED));
  const startedAt = performance.now();
  socket.send(encodeTerminalFrame({ type: 'data', data: new Uint8Array([ECHOED]) }));
  await echoed;
  const elapsed = performance.now() - startedAt;
  const erased = nextData(socket, () => true);
  socket.send(encodeTerminalFrame({ type: 'data', data: ERASE }));
  await erased;
  return elapsed;
}

/** Pause between two measured sessions. */
const SESSION_GAP_MS = 400;

/**
 * Scenarios (d) and (e) against a real `tether agent run` process and a server child process:
 * `sessions` terminals opened one after the other (first DATA frame timed), then `keystrokes`
 * single-character round trips in one terminal.
 */
export async function measureTerminalLatency(
  cleanup: Cleanup,
  options: {
    sessions: number;
    keystrokes: number;
    bulkBytes: number;
    measureFirstByte: boolean;
    measureKeystrokes: boolean;
  },
): Promise<{ firstByte?: SessionFirstByteResult; keystroke?: KeystrokeResult }> {
  const dir = await cleanup.tempDir('terminal');
  const server = await startServerProcess({ dataDir: join(dir, 'server'), cleanup });
  const deviceId = await startRealAgent(server, { dir, cleanup });
  const result: { firstByte?: SessionFirstByteResult; keystroke?: KeystrokeResult } = {};

  const cold = await openTimedTerminal(server, deviceId);
  await closed(cold.socket);
  if (options.measureFirstByte) {
    const timings: { createMs: number; openMs: number; firstByteMs: number }[] = [];
    for (let index = 0; index < options.sessions; index++) {
      // Sessions a few hundred ms apart, not back to back: the agent starts its next spare shell
      // after a session takes one, as it would between two technicians' sessions.
      await new Promise((resolve) => setTimeout(resolve, SESSION_GAP_MS));
      const terminal = await openTimedTerminal(server, deviceId);
      timings.push(terminal.timings);
      await closed(terminal.socket);
    }
    result.firstByte = {
      sessions: timings.length,
      firstByteMs: summarize(timings.map((timing) => timing.firstByteMs)),
      createMs: summarize(timings.map((timing) => timing.createMs)),
      openMs: summarize(timings.map((timing) => timing.openMs)),
      coldFirstByteMs: Math.round(cold.timings.firstByteMs * 100) / 100,
      loginShellStartMs: loginShellStartMs(),
    };
  }
  if (options.measureKeystrokes) {
    const terminal = await openTimedTerminal(server, deviceId);
    await waitForQuiet(terminal.socket, 300);
    const samples: number[] = [];
    for (let index = 0; index < options.keystrokes; index++)
      samples.push(await keystrokeRoundTrip(terminal.socket));
    const bulkOutput = await measureBulkOutput(terminal.socket, { bytes: options.bulkBytes });
    await closed(terminal.socket);
    result.keystroke = { samples: samples.length, roundTripMs: summarize(samples), bulkOutput };
  }
  return result;
}
