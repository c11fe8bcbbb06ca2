import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { AgentPackageDownloads, DeviceList } from '@tether/protocol';
import { AGENT_COMMANDS } from '../../packages/cli/src/agent-program.js';
import { waitFor } from '../../test/support/cli.js';
import { copyMinbaseRoot, minbaseUnavailable } from '../../test/support/minbase-root.js';
import type { Cleanup } from '../lib/cleanup.js';
import { readRssKib } from '../lib/proc-stats.js';
import { startServerProcess } from '../lib/server-process.js';
import { median } from '../lib/summary.js';

const run = promisify(execFile);

/** Scenario (n): the agent package as devices get it (issue 14). */
export interface AgentPackageResult {
  /** Bytes of each download. */
  bytes: Record<string, number>;
  /** First downloads list after the server started (assembles the agent build), then a later one. */
  firstListMs: number;
  listMs: number;
  /** Download of the `.run` over loopback with the one-liner's pinned curl. */
  downloadRunMs: number;
  /** `sh tether-agent.run --silent --no-start` in a minimal Debian, then the unit's command → online; null without the install command. */
  installToOnlineMs: number | null;
  runs: number;
  /** The packaged agent (its own Node, in the minimal Debian): `tether-agent run` → connected. */
  packagedConnectMs: number;
  /** Its RSS once idle with its one connection. */
  packagedRssMiB: number;
  /**
   * The same app and data run by this machine's `node` outside the minimal Debian (no launcher,
   * no chroot), alternating with it round by round: what the machine's load costs either way.
   */
  hostConnectMs: number;
  hostRssMiB: number;
}

const pinOf = (oneLiner: string): string => /--pinnedpubkey '([^']+)'/.exec(oneLiner)?.[1] ?? '';

/** This machine's node on the packaged app, in its own process group like the chrooted one. */
function startHost(args: string[]): ChildProcess & { output(): string } {
  const child = spawn(args[0] ?? '', args.slice(1), { detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** The node process the launcher became: the child of `unshare --fork` (it execs down to node). */
async function agentPid(unsharePid: number): Promise<number> {
  const children = await readFile(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8');
  const pid = Number(children.trim().split(/\s+/)[0]);
  if (!pid) throw new Error('the packaged agent has no process');
  return pid;
}

async function settledRssMiB(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const readings: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    readings.push(await readRssKib(pid));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Math.round((median(readings) / 1024) * 10) / 10;
}

/**
 * Scenario (n): package sizes, the time to list and download them, the install from download
 * to online (when the agent has its install command), and the packaged agent's start-up and
 * memory in a minimal Debian without Node, enrolled with the package's own `tether-agent`.
 */
export async function measureAgentPackage(
  cleanup: Cleanup,
  options: { runs: number },
): Promise<AgentPackageResult> {
  const unavailable = minbaseUnavailable();
  if (unavailable) throw new Error(unavailable);
  const server = await startServerProcess({ dataDir: await cleanup.tempDir('package'), cleanup });
  const work = await cleanup.tempDir('package-files');
  const listed = async (id: string): Promise<{ downloads: AgentPackageDownloads; ms: number }> => {
    const started = performance.now();
    const response = await server.admin.request('GET', `/api/v1/installers/${id}/downloads`);
    if (response.status !== 200) throw new Error(`downloads: ${response.text}`);
    return { downloads: response.json(AgentPackageDownloads), ms: performance.now() - started };
  };
  const { installer, token } = await server.createInstaller({});
  const first = await listed(installer.id);
  const { downloads, ms: listMs } = await listed(installer.id);
  const fetch = async (file: string): Promise<{ path: string; ms: number }> => {
    const url = downloads.files.find((candidate) => candidate.file === file)?.url ?? '';
    const path = join(work, file);
    const started = performance.now();
    await run('curl', [
      '-fsSL',
      '-k',
      '--pinnedpubkey',
      pinOf(downloads.oneLiner),
      '-o',
      path,
      url,
    ]);
    return { path, ms: performance.now() - started };
  };
  const runFile = await fetch('tether-agent.run');
  const tarball = await fetch('tether-agent.tar.gz');

  const root = await copyMinbaseRoot();
  cleanup.defer('minimal Debian copy', () => root.close());
  await run('mkdir', ['-p', join(root.dir, 'opt/package')]);
  await run('tar', ['-xzf', tarball.path, '-C', join(root.dir, 'opt/package')]);
  await root.chroot([
    '/opt/package/tether-agent',
    'enroll',
    '--server',
    server.url,
    '--token',
    token,
    '--data-dir',
    '/var/lib/bench-agent',
  ]);
  const version = downloads.version;
  const ways = {
    packaged: ['/opt/package/tether-agent'],
    host: [
      process.execPath,
      join(root.dir, `opt/package/versions/${version}/app/tether-agent.mjs`),
    ],
  };
  const samples = {
    packaged: { connect: [] as number[], rss: [] as number[] },
    host: { connect: [] as number[], rss: [] as number[] },
  };
  for (let round = 0; round < options.runs; round += 1) {
    for (const way of ['packaged', 'host'] as const) {
      const dataDir =
        way === 'packaged' ? '/var/lib/bench-agent' : join(root.dir, 'var/lib/bench-agent');
      const args = [...ways[way], 'run', '--data-dir', dataDir, '--log-level', 'info'];
      const started = performance.now();
      const agent = way === 'packaged' ? root.start(args) : startHost(args);
      const stop = cleanup.defer(`${way} agent`, () => {
        if (agent.exitCode === null && agent.pid) process.kill(-agent.pid, 'SIGTERM');
      });
      await waitFor(
        'the agent to connect',
        () => {
          if (agent.exitCode !== null)
            throw new Error(`the ${way} agent exited:\n${agent.output()}`);
          return /connected to the server/.test(agent.output()) ? true : undefined;
        },
        60_000,
      );
      samples[way].connect.push(performance.now() - started);
      const pid = way === 'packaged' ? await agentPid(agent.pid ?? 0) : (agent.pid ?? 0);
      samples[way].rss.push(await settledRssMiB(pid));
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      await stop();
      await exited;
    }
  }

  return {
    bytes: Object.fromEntries(downloads.files.map((file) => [file.file, file.bytes])),
    firstListMs: Math.round(first.ms),
    listMs: Math.round(listMs),
    downloadRunMs: Math.round(runFile.ms),
    installToOnlineMs: await installToOnline(cleanup, server, downloads, runFile.ms),
    runs: options.runs,
    packagedConnectMs: Math.round(median(samples.packaged.connect)),
    packagedRssMiB: median(samples.packaged.rss),
    hostConnectMs: Math.round(median(samples.host.connect)),
    hostRssMiB: median(samples.host.rss),
  };
}

/** `.run` in a fresh minimal Debian, then the unit's ExecStart as its user, until online. */
async function installToOnline(
  cleanup: Cleanup,
  server: Awaited<ReturnType<typeof startServerProcess>>,
  downloads: AgentPackageDownloads,
  downloadMs: number,
): Promise<number | null> {
  if (!AGENT_COMMANDS.some((command) => command.name === 'agent install')) return null;
  const root = await copyMinbaseRoot();
  cleanup.defer('minimal Debian copy (install)', () => root.close());
  const url = downloads.files.find((file) => file.file === 'tether-agent.run')?.url ?? '';
  await run('curl', [
    '-fsSL',
    '-k',
    '--pinnedpubkey',
    pinOf(downloads.oneLiner),
    '-o',
    join(root.dir, 'tmp/tether-agent.run'),
    url,
  ]);
  const online = async (): Promise<number> =>
    (await server.admin.request('GET', '/api/v1/devices'))
      .json(DeviceList)
      .devices.filter((device) => device.online).length;
  const before = await online();
  const started = performance.now();
  await root.chroot(['sh', '/tmp/tether-agent.run', '--silent', '--no-start']);
  const unit = await readFile(join(root.dir, 'etc/systemd/system/tether-agent.service'), 'utf8');
  const user = /^User=(.+)$/m.exec(unit)?.[1]?.trim() ?? 'root';
  const command = (/^ExecStart=(.+)$/m.exec(unit)?.[1] ?? '').trim().split(/\s+/);
  const agent = root.start(command, { userspec: `${user}:${user}` });
  cleanup.defer('installed agent', () => {
    if (agent.exitCode === null && agent.pid) process.kill(-agent.pid, 'SIGTERM');
  });
  await waitFor(
    'the installed agent to come online',
    async () => {
      if (agent.exitCode !== null)
        throw new Error(`the installed agent exited:\n${agent.output()}`);
      return (await online()) > before ? true : undefined;
    },
    120_000,
  );
  return Math.round(downloadMs + performance.now() - started);
}

/** Report rows of scenario (n). */
export function agentPackageRows(
  result: AgentPackageResult,
): [string, string, string, string, string][] {
  const mib = (bytes: number | undefined): string => ((bytes ?? 0) / 2 ** 20).toFixed(1);
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
  return [
    [
      'n',
      'package size .run / .deb / .tar.gz',
      `${mib(result.bytes['tether-agent.run'])} / ${mib(result.bytes['tether-agent.deb'])} / ${mib(result.bytes['tether-agent.tar.gz'])} MiB`,
      '',
      '',
    ],
    [
      'n',
      'downloads list: first (assembles the build) / later',
      `${result.firstListMs} / ${result.listMs} ms`,
      '',
      '',
    ],
    ['n', '.run download on loopback', `${result.downloadRunMs} ms`, '', ''],
    [
      'n',
      'install: download → online',
      result.installToOnlineMs === null ? 'no install command' : `${result.installToOnlineMs} ms`,
      '',
      '',
    ],
    [
      'n',
      'packaged agent run → connected (minimal Debian / host node)',
      `${result.packagedConnectMs} / ${result.hostConnectMs} ms`,
      '≤ 500 ms',
      met(result.packagedConnectMs <= 500),
    ],
    [
      'n',
      'packaged agent RSS idle, 1 connection (minimal Debian / host node)',
      `${result.packagedRssMiB} / ${result.hostRssMiB} MiB`,
      '≤ 60 MB',
      met(result.packagedRssMiB * 1.048576 <= 60),
    ],
  ];
}
