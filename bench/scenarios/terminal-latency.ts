import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cleanup } from '../lib/cleanup.js';
import { closed } from '../lib/open-socket.js';
import { startServerProcess } from '../lib/server-process.js';
import { median, summarize, type Summary } from '../lib/summary.js';
import {
  keystrokeRoundTrip,
  openBarePipeEcho,
  openLocalPty,
  socketTypist,
  type Typist,
} from './keystroke-references.js';
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
  /**
   * Measured in the same run, interleaved with Tether's samples: the same login shell on a
   * local pty (no network), and the bare ws pipe to an echoing process (no pty, no shell).
   * Their sum is the floor of a remote terminal built this way.
   */
  reference: { localPtyMs: Summary; barePipeMs: Summary };
  /** Tether ÷ (local pty + bare pipe), at p50 and p99. */
  ratio: { p50: number; p99: number };
  /** Then, in the same terminal: a large output through pty, relay and recorder. */
  bulkOutput: BulkOutputResult;
}

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

/** Keystrokes per path in a row before switching to the next path. */
const BLOCK = 25;

/**
 * `count` keystrokes on each path, in alternating blocks, so a change in the machine's load
 * during the run weighs on all three alike.
 */
export async function interleavedSamples<K extends string>(
  typists: Record<K, Typist>,
  count: number,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(typists) as K[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let done = 0; done < count; done += BLOCK)
    for (const key of keys)
      for (let index = done; index < Math.min(count, done + BLOCK); index++)
        samples[key].push(await keystrokeRoundTrip(typists[key]));
  return samples;
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
    const typists = {
      tether: socketTypist(terminal.socket),
      localPty: await openLocalPty(cleanup),
      barePipe: await openBarePipeEcho(cleanup, {
        keysDir: join(server.dataDir, 'keys'),
        ca: server.ca,
      }),
    };
    const samples = await interleavedSamples(typists, options.keystrokes);
    const bulkOutput = await measureBulkOutput(terminal.socket, { bytes: options.bulkBytes });
    await closed(terminal.socket);
    const roundTripMs = summarize(samples.tether);
    const reference = {
      localPtyMs: summarize(samples.localPty),
      barePipeMs: summarize(samples.barePipe),
    };
    const ratio = (p: 'p50' | 'p99'): number =>
      Math.round((roundTripMs[p] / (reference.localPtyMs[p] + reference.barePipeMs[p])) * 100) /
      100;
    result.keystroke = {
      samples: samples.tether.length,
      roundTripMs,
      reference,
      ratio: { p50: ratio('p50'), p99: ratio('p99') },
      bulkOutput,
    };
  }
  return result;
}
