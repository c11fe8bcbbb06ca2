import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sourceCliArgs, stopProcess, waitFor } from '../../test/support/cli.js';
import { freePort } from '../../test/support/server-process.js';
import type { Cleanup } from '../lib/cleanup.js';
import { readRssKib } from '../lib/proc-stats.js';
import { startServerProcess } from '../lib/server-process.js';
import { median } from '../lib/summary.js';
import { AGENT_V8_FLAGS, SERVER_V8_FLAGS } from '../../packages/cli/src/commands/v8-flags.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(root, 'packages/cli/dist/tether.mjs');

/** How the `tether` command is started: the production bundle, or the sources through tsx. */
type Build = 'bundle' | 'tsx';
const argsOf = (build: Build, args: string[]): string[] =>
  build === 'bundle' ? [BUNDLE, ...args] : sourceCliArgs(args);

/** Medians of the start-up figures, bundle against tsx, with bare Node in the same run. */
export interface StartupResult {
  runs: number;
  /** `tether --help` to exit; `node -e 0` is the floor any Node program pays. */
  helpMs: { bundle: number; tsx: number; bareNode: number };
  /** `tether agent run` spawned → the agent logs "connected to the server" (loopback). */
  agentConnectMs: { bundle: number; tsx: number };
  /** Agent RSS once idle with its one connection; a bare `node` waiting on a timer beside it. */
  /**
   * `launched`: with its V8 flags on the node command line, as the demo, the agent package's
   * launcher and so its service start it; `bundle`: `tether agent run` typed by hand.
   */
  agentRssMiB: { launched: number; bundle: number; tsx: number; bareNode: number };
  /**
   * Server RSS once it listens and has settled (no agents): the bundle as `npm start` and the
   * service launch it (V8 flags on the node command line), as started by hand (the same flags,
   * set at run time), and the sources.
   */
  serverRssMiB: { launched: number; bundle: number; tsx: number };
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { text(): string } {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(child, { text: () => text });
}

/** Wall time of a command that exits by itself. */
async function timeToExit(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawnNode(args);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${child.text()}`);
  return performance.now() - started;
}

/** Starts a long-running process, waits for `ready` in its output, returns ms and the process. */
async function startUntil(
  cleanup: Cleanup,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ ms: number; child: ChildProcess }> {
  const started = performance.now();
  const child = spawnNode(args, env);
  const stop = cleanup.defer(`node ${args.slice(-4).join(' ')}`, () => stopProcess(child));
  await waitFor(`"${ready.source}" from ${args.join(' ')}`, () => {
    if (child.exitCode !== null) throw new Error(`exited early: ${child.text()}`);
    return ready.test(child.text()) ? true : undefined;
  });
  const ms = performance.now() - started;
  return { ms, child: Object.assign(child, { stop }) };
}

/**
 * RSS after the process has been idle for `settleMs`: median of five readings, in MiB. The server
 * settles for 12 s: it gives back its start-up young generation 5 and 10 s after listening
 * (`releaseStartUpMemory` in the CLI).
 */
async function settledRssMiB(pid: number, settleMs = 3000): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const readings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    readings.push(await readRssKib(pid));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Math.round((median(readings) / 1024) * 10) / 10;
}

/**
 * Scenario (m): start-up time and resident memory of the production bundle against the tsx
 * sources, alternating builds round by round so both see the same machine load.
 */
export async function measureStartup(
  cleanup: Cleanup,
  options: { runs: number },
): Promise<StartupResult> {
  // Measures the bundle of these sources, not whatever was built before.
  await timeToExit([join(root, 'scripts/build.mjs')]);
  const builds: Build[] = ['bundle', 'tsx'];
  const samples = {
    help: { bundle: [] as number[], tsx: [] as number[], bareNode: [] as number[] },
    connect: { bundle: [] as number[], tsx: [] as number[] },
    agentRss: {
      launched: [] as number[],
      bundle: [] as number[],
      tsx: [] as number[],
      bareNode: [] as number[],
    },
    serverRss: { launched: [] as number[], bundle: [] as number[], tsx: [] as number[] },
  };
  for (let round = 0; round < options.runs; round += 1) {
    samples.help.bareNode.push(await timeToExit(['-e', '0']));
    for (const build of builds)
      samples.help[build].push(await timeToExit(argsOf(build, ['--help'])));
  }

  const server = await startServerProcess({
    dataDir: await cleanup.tempDir('startup-server'),
    cleanup,
  });
  for (let round = 0; round < options.runs; round += 1) {
    const idle = await startUntil(
      cleanup,
      ['-e', 'setInterval(() => {}, 1000); console.log("up")'],
      /up/,
    );
    samples.agentRss.bareNode.push(await settledRssMiB(idle.child.pid ?? 0));
    await stopProcess(idle.child);
    for (const build of builds) {
      const agentDir = await cleanup.tempDir(`startup-agent-${build}`);
      const { token } = await server.createInstaller({ maxInstalls: 1 });
      await timeToExit(
        argsOf(build, [
          'agent',
          'enroll',
          '--server',
          server.url,
          '--token',
          token,
          '--data-dir',
          agentDir,
        ]),
      );
      const agent = await startUntil(
        cleanup,
        argsOf(build, ['agent', 'run', '--data-dir', agentDir, '--log-level', 'info']),
        /connected to the server/,
      );
      samples.connect[build].push(agent.ms);
      samples.agentRss[build].push(await settledRssMiB(agent.child.pid ?? 0));
      await stopProcess(agent.child);
      if (build !== 'bundle') continue;
      const launched = await startUntil(
        cleanup,
        [...AGENT_V8_FLAGS, ...argsOf(build, ['agent', 'run', '--data-dir', agentDir])],
        /connected to the server/,
      );
      samples.agentRss.launched.push(await settledRssMiB(launched.child.pid ?? 0));
      await stopProcess(launched.child);
    }
  }
  await server.stop();

  const dataDir = await cleanup.tempDir('startup-rss');
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  const launches = {
    launched: [...SERVER_V8_FLAGS, BUNDLE],
    bundle: [BUNDLE],
    tsx: sourceCliArgs([]),
  };
  for (let round = 0; round < options.runs; round += 1) {
    for (const [launch, command] of Object.entries(launches)) {
      const port = await freePort();
      const started = await startUntil(
        cleanup,
        [
          ...command,
          'server',
          '--data-dir',
          dataDir,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--admin-port',
          '0',
          '--log-level',
          'warn',
        ],
        /Console:/,
        { TETHER_ADMIN_PASSWORD: password },
      );
      samples.serverRss[launch as keyof typeof launches].push(
        await settledRssMiB(started.child.pid ?? 0, 12_000),
      );
      await stopProcess(started.child);
    }
  }

  const ms = (values: number[]): number => Math.round(median(values));
  const mib = (values: number[]): number => median(values);
  return {
    runs: options.runs,
    helpMs: {
      bundle: ms(samples.help.bundle),
      tsx: ms(samples.help.tsx),
      bareNode: ms(samples.help.bareNode),
    },
    agentConnectMs: { bundle: ms(samples.connect.bundle), tsx: ms(samples.connect.tsx) },
    agentRssMiB: {
      launched: mib(samples.agentRss.launched),
      bundle: mib(samples.agentRss.bundle),
      tsx: mib(samples.agentRss.tsx),
      bareNode: mib(samples.agentRss.bareNode),
    },
    serverRssMiB: {
      launched: mib(samples.serverRss.launched),
      bundle: mib(samples.serverRss.bundle),
      tsx: mib(samples.serverRss.tsx),
    },
  };
}

/** Table rows for the report: measured, target, and whether the target is met. */
export function startupRows(result: StartupResult): [string, string, string, string, string][] {
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
  const { helpMs, agentConnectMs, agentRssMiB, serverRssMiB } = result;
  return [
    [
      'm',
      '`tether --help` (bundle / tsx / node -e 0)',
      `${helpMs.bundle} / ${helpMs.tsx} / ${helpMs.bareNode} ms`,
      '≤ 150 ms',
      met(helpMs.bundle <= 150),
    ],
    [
      'm',
      'agent run → connected (bundle / tsx)',
      `${agentConnectMs.bundle} / ${agentConnectMs.tsx} ms`,
      '≤ 500 ms',
      met(agentConnectMs.bundle <= 500),
    ],
    [
      'm',
      'agent RSS idle, 1 connection (as launched / by hand / tsx / bare node)',
      `${agentRssMiB.launched} / ${agentRssMiB.bundle} / ${agentRssMiB.tsx} / ${agentRssMiB.bareNode} MiB`,
      '≤ 60 MB',
      met(agentRssMiB.launched * 1.048576 <= 60),
    ],
    [
      'm',
      'server RSS at start (npm start / bundle by hand / tsx)',
      `${serverRssMiB.launched} / ${serverRssMiB.bundle} / ${serverRssMiB.tsx} MiB`,
      '≤ 80 MB',
      met(serverRssMiB.launched * 1.048576 <= 80),
    ],
  ];
}
