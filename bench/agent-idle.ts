// Idle memory of agent builds side by side, over minutes (issue 14). Not a lettered scenario:
// scenario (m) reads the agent 3 s after it connects, but an idle agent keeps paging in code
// for minutes (V8 compiles what becomes hot), and two builds compare fairly only when their
// agents idle at the same time on the same machine load.
//
//   node --import tsx bench/agent-idle.ts --build base=packages/cli/dist-base/agent-package \
//     --build new=packages/cli/dist/agent-package --agents 3 --minutes 6
//
// Each build's `tether-agent.mjs` runs as the package's launcher starts it (its V8 flags on the
// node command line), `--agents` processes per build, started alternately, all connected to one
// real server on loopback. Each agent's RSS (/proc) 3 s after it connected, the median of five
// readings 200 ms apart as scenario (m) takes it, before the next agent starts; then every agent's
// RSS each minute after the last one connected. The report gives each build's median per
// reading, in MiB. Each agent's pid is printed, to inspect it meanwhile (/proc/<pid>/smaps, or a
// heap snapshot with `--node-option`).
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_V8_FLAGS } from '../packages/cli/src/commands/v8-flags.js';
import { stopProcess, waitFor } from '../test/support/cli.js';
import { Cleanup } from './lib/cleanup.js';
import { readRssKib } from './lib/proc-stats.js';
import { startServerProcess } from './lib/server-process.js';
import { median } from './lib/summary.js';

interface Agent {
  build: string;
  child: ChildProcess & { output(): string };
}

/** Scenario (m)'s reading: the median of five, 200 ms apart, 3 s after the agent connected. */
async function settledRssKib(pid: number): Promise<number> {
  await sleep(3000);
  const readings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    readings.push(await readRssKib(pid));
    await sleep(200);
  }
  return median(readings);
}

function startNode(args: string[]): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

async function exited(child: ChildProcess & { output(): string }): Promise<void> {
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`exited ${code}: ${child.output()}`);
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;

const { values } = parseArgs({
  options: {
    build: { type: 'string', multiple: true },
    agents: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '6' },
    // More node options for every agent, e.g. `--node-option=--heapsnapshot-signal=SIGUSR2`.
    'node-option': { type: 'string', multiple: true },
  },
});
const builds = (values.build ?? []).map((spec) => {
  const [name = '', dir = ''] = spec.split('=');
  return { name, app: join(resolve(dir), 'tether-agent.mjs') };
});
if (builds.length === 0) throw new Error('Give at least one --build name=<agent-package dir>.');

const cleanup = new Cleanup();
try {
  const server = await startServerProcess({ dataDir: await cleanup.tempDir('idle'), cleanup });
  const agents: Agent[] = [];
  const settled = new Map<string, number[]>();
  for (let round = 0; round < Number(values.agents); round += 1) {
    for (const build of builds) {
      const dataDir = await cleanup.tempDir(`idle-${build.name}`);
      const { token } = await server.createInstaller({ maxInstalls: 1 });
      const enroll = ['enroll', '--server', server.url, '--token', token, '--data-dir', dataDir];
      await exited(startNode([build.app, ...enroll]));
      const child = startNode([
        ...AGENT_V8_FLAGS,
        ...(values['node-option'] ?? []),
        build.app,
        'run',
        '--data-dir',
        dataDir,
      ]);
      cleanup.defer(`agent ${build.name}`, () => stopProcess(child));
      await waitFor(`${build.name} to connect`, () => {
        if (child.exitCode !== null) throw new Error(`exited early: ${child.output()}`);
        return /connected to the server/.test(child.output()) ? true : undefined;
      });
      const rssKib = await settledRssKib(child.pid ?? 0);
      settled.set(build.name, [...(settled.get(build.name) ?? []), rssKib]);
      console.log(`${build.name}: agent pid ${child.pid}, ${mib(rssKib)} MiB 3 s after connecting`);
      agents.push({ build: build.name, child });
    }
  }
  const report = (label: string, rssKib: Map<string, number[]>): void => {
    const line = builds
      .map((build) => {
        const list = rssKib.get(build.name) ?? [];
        return `${build.name} ${mib(median(list))} MiB [${list.map(mib).join(', ')}]`;
      })
      .join('  ');
    console.log(`${label.padStart(6)}  ${line}`);
  };
  report('3 s', settled);
  const started = Date.now();
  for (let minute = 1; minute <= Number(values.minutes); minute += 1) {
    await sleep(Math.max(0, started + minute * 60_000 - Date.now()));
    const rssKib = new Map<string, number[]>();
    for (const agent of agents)
      rssKib.set(agent.build, [
        ...(rssKib.get(agent.build) ?? []),
        await readRssKib(agent.child.pid ?? 0),
      ]);
    report(`${minute} min`, rssKib);
  }
} finally {
  const failures = await cleanup.run();
  for (const failure of failures) console.error(failure);
}
