/**
 * The MeshCentral server and its native agents as child processes of the bench
 * (scenarios/meshcentral-reference.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { link, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cleanup } from './cleanup.js';
import { withTimeout } from './meshcentral.js';
import { readRssKib } from './proc-stats.js';
import { median } from './summary.js';

const GC_HOOK = new URL('./gc-on-signal.mjs', import.meta.url).href;
const LISTENING = /MeshCentral HTTPS server running on 127\.0\.0\.1:(\d+)/;

/** Server memory after a forced full GC. */
export interface MemoryReading {
  agents: number;
  /** The MeshCentral process (median of five /proc readings right after the GC). */
  rssKib: number;
  heapUsedBytes: number;
  /** Its child processes (`meshaccelerator.js` workers), summed. */
  childrenRssKib: number;
}

/** Loopback only, one port, no redirect/MPS/scanners, no self-update or agent update. */
export function serverConfig(port: number): unknown {
  return {
    settings: {
      cert: '127.0.0.1',
      port,
      portBind: '127.0.0.1',
      exactPorts: true,
      redirPort: 0,
      mpsPort: 0,
      WANonly: true,
      selfUpdate: false,
      noAgentUpdate: 1,
      agentTimeStampServer: false,
      amtScanner: false,
      meshScanner: false,
      autoBackup: false,
      agentCoreDump: false,
    },
    domains: { '': { title: 'bench' } },
  };
}

/** The server as its launcher would run it (`--launch`), plus the bench's forced-GC preload. */
export async function startServer(main: string, dataDir: string, cwd: string, cleanup: Cleanup) {
  const child = spawn(
    process.execPath,
    [
      '--disable-proto=delete',
      `--import=${GC_HOOK}`,
      main,
      '--datapath',
      dataDir,
      '--launch',
      String(process.pid),
    ],
    // stdin stays open: MeshCentral under --launch exits when it ends (our exit too).
    { cwd, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const pid = child.pid ?? 0;
  let output = '';
  const gcHeaps: number[] = [];
  const onData = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-100_000);
    for (const match of chunk.toString().matchAll(/^bench-gc \d+ (\d+)$/gm))
      gcHeaps.push(Number(match[1]));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const stop = cleanup.defer('MeshCentral server', () => stopServer(child));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (LISTENING.test(output)) resolve();
        else if (child.exitCode !== null) reject(new Error(`MeshCentral exited: ${output}`));
        else return;
        clearInterval(check);
      }, 50);
    }),
    300_000,
    'MeshCentral to listen',
  );
  return {
    pid,
    stop,
    async readMemory(agents: number): Promise<MemoryReading> {
      const before = gcHeaps.length;
      process.kill(pid, 'SIGUSR2');
      await withTimeout(
        (async () => {
          while (gcHeaps.length === before) await sleep(20);
        })(),
        60_000,
        'a forced GC in MeshCentral',
      );
      const rss: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        rss.push(await readRssKib(pid));
        await sleep(100);
      }
      let childrenRssKib = 0;
      for (const childPid of await childPids(pid))
        childrenRssKib += await readRssKib(childPid).catch(() => 0);
      return { agents, rssKib: median(rss), heapUsedBytes: gcHeaps.at(-1) ?? 0, childrenRssKib };
    },
  };
}

async function stopServer(child: ChildProcessWithoutNullStreams): Promise<void> {
  const children = await childPids(child.pid ?? 0);
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end();
    child.kill('SIGTERM');
    await withTimeout(exited, 5000, 'MeshCentral to exit').catch(() => child.kill('SIGKILL'));
  }
  for (const pid of children) killQuietly(pid, 'SIGKILL');
}

/** An agent's folder: a hard link of the binary, and its .msh beside it (same base name). */
export async function prepareAgent(binary: string, dir: string, msh: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await link(binary, join(dir, 'meshagent'));
  await writeFile(join(dir, 'meshagent.msh'), msh);
}

/** Runs the agent of `dir` in the foreground (`connect`), in its own process group. */
export function startAgent(dir: string, cleanup: Cleanup) {
  const child = spawn(join(dir, 'meshagent'), ['connect'], {
    cwd: dir,
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('error', (error) => (stderr += String(error)));
  const stop = cleanup.defer(`agent ${dir}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    killQuietly(-child.pid, 'SIGTERM');
    await withTimeout(exited, 3000, 'an agent to exit').catch(() =>
      killQuietly(-(child.pid ?? 0), 'SIGKILL'),
    );
  });
  return { child, dir, stop, stderr: () => stderr, failed: () => child.pid === undefined };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Pids whose parent is `pid` (MeshCentral forks `meshaccelerator.js` workers). */
async function childPids(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === pid) found.push(Number(entry));
  }
  return found;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
