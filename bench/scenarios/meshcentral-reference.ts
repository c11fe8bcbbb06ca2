/**
 * MeshCentral measured beside Tether in the same run (the two figures): a real
 * MeshCentral server (the npm package, installed on demand) on loopback with real native
 * `meshagent_x86-64` agents, each in its own folder with its own `.msh`; a terminal through
 * its relay, the way `meshctrl.js shell` opens one; and the server's memory per idle agent after
 * a forced GC (the bench's own preload, `lib/gc-on-signal.mjs`). Scenario (r) measures them
 * beside Tether's (`npm run bench -- --only r`, scenarios/beside-meshcentral.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cleanup } from '../lib/cleanup.js';
import {
  ensureMeshCentral,
  meshBase64ToHex,
  MeshControl,
  openMeshTerminal,
  run,
  withTimeout,
  type MeshTls,
} from '../lib/meshcentral.js';
import { freePort } from '../../test/support/server-process.js';
import {
  prepareAgent,
  serverConfig,
  startAgent,
  startServer,
  type MemoryReading,
} from '../lib/meshcentral-processes.js';
import type { Typist } from './keystroke-references.js';

export type { MemoryReading };

const USER = 'bench';

export interface MeshCentralHandle {
  url: string;
  pid: number;
  agents: { pid: number; dir: string }[];
  /** Devices the server reported connected once all agents were up. */
  nodeIds: string[];
  /** The restarted server (devices enrolled, none connected), read after `settleMs`. */
  baseline: MemoryReading;
  /** Wall time of each setup step, ms. */
  timings: Record<string, number>;
  /** A shell on one agent (default: the first connected), quiet at its prompt. */
  openTerminal(nodeId?: string): Promise<Typist & { close(): Promise<void> }>;
  readMemory(): Promise<MemoryReading>;
  close(): Promise<void>;
}

/**
 * Starts MeshCentral (loopback, ephemeral port, its own self-signed certificates, a fresh data
 * folder under `dir`), an administrator and a device group; enrols `agents` native agents (first
 * connection), stops them and the server; starts the server again, reads its memory with no
 * agent connected, starts the agents again and resolves once the server lists all connected.
 *
 * @example
 * const mesh = await startMeshCentral({ agents: 100, dir: tmpdir() });
 * const terminal = await mesh.openTerminal();
 * await mesh.close();
 */
export async function startMeshCentral(options: {
  agents: number;
  dir: string;
  /** Quiet time before the baseline reading (default 10 s). */
  settleMs?: number;
  log?: (line: string) => void;
}): Promise<MeshCentralHandle> {
  const log = options.log ?? ((line: string) => process.stdout.write(`meshcentral: ${line}\n`));
  const settleMs = options.settleMs ?? 10_000;
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    const result = await work();
    timings[name] = Math.round(performance.now() - startedAt);
    log(`${name}: ${timings[name]} ms`);
    return result;
  };
  const cleanup = new Cleanup();
  try {
    const packageDir = await step('install (npm, if missing)', () => ensureMeshCentral(log));
    const work = await mkdtemp(join(options.dir, 'meshcentral-reference-'));
    cleanup.defer(`temp dir ${work}`, () => rm(work, { recursive: true, force: true }));
    const dataDir = join(work, 'data');
    await mkdir(dataDir);
    const port = await freePort();
    await writeFile(join(dataDir, 'config.json'), JSON.stringify(serverConfig(port), null, 2));
    const main = join(packageDir, 'meshcentral.js');
    const password = randomBytes(18).toString('base64url');
    await step('administrator account (2 CLI runs)', async () => {
      const base = [main, '--datapath', dataDir];
      await run(process.execPath, [...base, '--createaccount', USER, '--pass', password], {
        timeoutMs: 120_000,
      });
      await run(process.execPath, [...base, '--adminaccount', USER], { timeoutMs: 120_000 });
    });

    const url = `wss://127.0.0.1:${port}`;
    const startAndSignIn = async () => {
      const server = await startServer(main, dataDir, work, cleanup);
      const tls: MeshTls = { ca: await readFile(join(dataDir, 'root-cert-public.crt'), 'utf8') };
      const control = await MeshControl.open(url, tls, USER, password);
      const closeControl = cleanup.defer('control channel', () => control.close());
      return { server, tls, control, closeControl };
    };
    const first = await step('server start → listening, signed in (makes its certificates)', () =>
      startAndSignIn(),
    );
    const { meshIdHex, serverIdHex } = await step('device group', async () => {
      const created = await first.control.request({
        action: 'createmesh',
        meshname: 'bench',
        meshtype: 2,
        responseid: 'bench',
      });
      if (created.result !== 'ok') throw new Error(`createmesh: ${String(created.result)}`);
      const meshId = String(created.meshid).split('/')[2] ?? '';
      const info = first.control.serverInfo.serverinfo as { agentCertHash?: string } | undefined;
      if (!info?.agentCertHash) throw new Error('serverinfo carried no agentCertHash');
      return {
        meshIdHex: meshBase64ToHex(meshId),
        serverIdHex: meshBase64ToHex(info.agentCertHash),
      };
    });
    const msh = [
      'MeshName=bench',
      'MeshType=2',
      `MeshID=0x${meshIdHex}`,
      `ServerID=${serverIdHex}`,
      `MeshServer=${url}/agent.ashx`,
      '',
    ].join('\r\n');
    const binary = join(work, 'meshagent');
    await copyFile(join(packageDir, 'agents', 'meshagent_x86-64'), binary);
    await chmod(binary, 0o755);
    const dirs = Array.from({ length: options.agents }, (_, index) =>
      join(work, 'agents', `${index}`),
    );
    for (const dir of dirs) await prepareAgent(binary, dir, msh);
    const runAgents = async (control: MeshControl) => {
      const started = [];
      for (const dir of dirs) started.push(startAgent(dir, cleanup));
      const deadline = 60_000 + 1_000 * options.agents;
      const endAt = Date.now() + deadline;
      for (;;) {
        const dead = started.find((agent) => agent.child.exitCode !== null || agent.failed());
        if (dead) throw new Error(`agent ${dead.dir} exited: ${dead.stderr().slice(-500)}`);
        const nodes = await control.connectedNodes();
        if (nodes.length >= options.agents) return { started, nodes };
        if (Date.now() > endAt)
          throw new Error(`${nodes.length}/${options.agents} agents connected in ${deadline} ms`);
        await sleep(1000);
      }
    };
    // Enrolment: each agent makes its key and the server its device record. Then, as scenario
    // (b) does for Tether, a fresh server process with the devices known is the baseline.
    const enrolled = await step(`enrolment: ${options.agents} agents start → all connected`, () =>
      runAgents(first.control),
    );
    await step('stop agents and server', async () => {
      for (const agent of enrolled.started) await agent.stop();
      await first.closeControl();
      await first.server.stop();
    });
    const { server, tls, control } = await step('server restart → listening, signed in', () =>
      startAndSignIn(),
    );
    await sleep(settleMs);
    const baseline = await server.readMemory(0);
    log(
      `baseline (0 agents, after GC): RSS ${baseline.rssKib} KiB, heap ${kib(baseline.heapUsedBytes)} KiB`,
    );
    const agents = await step(`${options.agents} agents start again → all connected`, () =>
      runAgents(control),
    );

    return {
      url,
      pid: server.pid,
      agents: agents.started.map((agent) => ({ pid: agent.child.pid ?? 0, dir: agent.dir })),
      nodeIds: agents.nodes,
      baseline,
      timings,
      readMemory: () => server.readMemory(options.agents),
      async openTerminal(nodeId = agents.nodes[0] ?? '') {
        const terminal = await openMeshTerminal(url, tls, control, nodeId);
        const typist: Typist = {
          type: (bytes) => terminal.socket.send(Buffer.from(bytes)),
          watch: (listener) => terminal.onOutput(listener),
        };
        await quiet(typist, 500, 30_000);
        return {
          ...typist,
          close: async () => {
            terminal.socket.close();
            await sleep(200);
          },
        };
      },
      close: async () => {
        const failures = await cleanup.run();
        if (failures.length > 0) throw new Error(`cleanup: ${failures.join('; ')}`);
      },
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

/** Per idle agent: (reading with N − reading with 0) / N, in KiB. */
export function perIdleAgent(
  baseline: MemoryReading,
  loaded: MemoryReading,
): { agents: number; rssKib: number; heapKib: number; rssWithChildrenKib: number } {
  const n = loaded.agents - baseline.agents;
  const round = (value: number): number => Math.round((value / n) * 10) / 10;
  return {
    agents: n,
    rssKib: round(loaded.rssKib - baseline.rssKib),
    heapKib: round(kib(loaded.heapUsedBytes - baseline.heapUsedBytes)),
    rssWithChildrenKib: round(
      loaded.rssKib + loaded.childrenRssKib - baseline.rssKib - baseline.childrenRssKib,
    ),
  };
}

/** Resolves once `quietMs` pass without output after the first output. */
function quiet(typist: Typist, quietMs: number, timeoutMs: number): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = typist.watch(() => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          stop();
          resolve();
        }, quietMs);
      });
    }),
    timeoutMs,
    'the MeshCentral shell to show its prompt',
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const kib = (bytes: number): number => Math.round(bytes / 102.4) / 10;
