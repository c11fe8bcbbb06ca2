import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateInstallerResponse } from '@tether/protocol';
import { startCli, stopProcess, waitFor } from '../../test/support/cli.js';
import { ensureDeviceGroup } from '../../test/support/device-groups.js';
import { HttpsClient } from '../../test/support/https-client.js';
import type { Cleanup } from './cleanup.js';
import { freePort } from '../../test/support/server-process.js';

/** A `tether server` running in a child process, on fixed loopback ports. */
export interface ServerProcess {
  /** `https://127.0.0.1:<port>`: agents and the technician both use it. */
  readonly url: string;
  readonly dataDir: string;
  /** The server's self-signed certificate (PEM), to trust it and nothing else. */
  readonly ca: string;
  /** Process id of the current server process (it changes on restart). */
  pid(): number;
  /** A client signed in as the administrator. */
  readonly admin: HttpsClient;
  /** The administrator's password (for a browser to sign in to the console). */
  readonly adminPassword: string;
  /** The admin listener (`/metrics`), reachable from loopback without signing in. */
  readonly adminClient: HttpsClient;
  createInstaller(options: { maxInstalls?: number }): Promise<CreateInstallerResponse>;
  /**
   * Runs a full garbage collection in the server and resolves with the V8 heap used after it
   * (bytes); only for a server started with `forcedGc` (a bench-only preload, nothing in the
   * server's code).
   */
  collectGarbage(): Promise<number>;
  /**
   * With `BENCH_SERVER_CPU_PROF` set: has the server write its CPU profile so far (see
   * lib/cpu-profile.mjs) and resolves with the file; otherwise resolves with undefined.
   */
  writeProfile(): Promise<string | undefined>;
  /** `tether_devices_online` from `/metrics`. */
  devicesOnline(): Promise<number>;
  /** Kills the server with SIGKILL (no orderly shutdown) and waits until it is gone. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same ports and data dir; resolves once it listens (ms it took).
   * `cli`: another build of `tether` to run this time only (a bundled `tether.mjs`, or another
   * tree's `packages/cli/src/main.ts`, e.g. a baseline from another commit); by default the
   * bench's own.
   */
  restart(options?: { cli?: string }): Promise<number>;
  stop(): Promise<void>;
  output(): string;
}

const LISTENING = /Console:\s+https:\/\/\S+/;
const GC_HOOK = new URL('./gc-on-signal.mjs', import.meta.url).href;
const PROFILE_HOOK = new URL('./cpu-profile.mjs', import.meta.url).href;

/**
 * The environment that preloads the benchmark's forced-GC hook into a child process; the
 * hook answers SIGUSR2 with a full collection and `bench-gc <n> <heap used>` on stdout.
 */
export function forcedGcEnv(): { NODE_OPTIONS: string } {
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${GC_HOOK}`].join(' ').trim() };
}

/**
 * `NODE_OPTIONS` for a server process (not the fleet workers): the forced-GC hook if asked for,
 * and the CPU profiler when `BENCH_SERVER_CPU_PROF` names a directory (lib/cpu-profile.mjs).
 */
function serverNodeOptions(forcedGc: boolean): { NODE_OPTIONS?: string } {
  const hooks = [forcedGc && GC_HOOK, Boolean(process.env.BENCH_SERVER_CPU_PROF) && PROFILE_HOOK];
  const imports = hooks
    .filter((hook) => typeof hook === 'string')
    .map((hook) => `--import=${hook}`);
  if (imports.length === 0) return {};
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, ...imports].join(' ').trim() };
}

/**
 * Runs `tether <args>` from another build, like `startCli` does: `cli` is a bundled
 * `tether.mjs`, or another tree's `packages/cli/src/main.ts` (run through tsx).
 */
function startBuild(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): ChildProcess & { output: () => string } {
  const entry = cli.endsWith('.ts') ? ['--import', 'tsx', cli] : [cli];
  const child = spawn(process.execPath, [...entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/**
 * Sends SIGUSR2 to a child started with {@link forcedGcEnv}, waits until it printed that the
 * collection is done, and resolves with the V8 heap in use after it, in bytes.
 */
export async function collectGarbageIn(child: { pid: number; output(): string }): Promise<number> {
  const done = (): RegExpExecArray[] => [...child.output().matchAll(/^bench-gc \d+ (\d+)$/gm)];
  const before = done().length;
  process.kill(child.pid, 'SIGUSR2');
  return waitFor(
    'a forced garbage collection',
    () => {
      const after = done();
      return after.length > before ? Number(after.at(-1)?.[1]) : undefined;
    },
    60_000,
  );
}

/**
 * An installer of device group `Benchmark` (created if missing), valid for an hour, made by
 * `admin` (signed in on the user listener).
 */
export async function createBenchInstaller(
  admin: HttpsClient,
  options: { maxInstalls?: number },
): Promise<CreateInstallerResponse> {
  await ensureDeviceGroup(admin, 'Benchmark');
  const response = await admin.request('POST', '/api/v1/installers', {
    group: 'Benchmark',
    validForSec: 3600,
    ...(options.maxInstalls ? { maxInstalls: options.maxInstalls } : {}),
  });
  if (response.status !== 201)
    throw new Error(`installer creation failed: ${response.status} ${response.text}`);
  return response.json(CreateInstallerResponse);
}

/** Saves the agents' admission rate (A-13) through `conf`, a client of the admin listener. */
export async function setAdmissionRate(conf: HttpsClient, agentsPerSec: number): Promise<void> {
  const saved = await conf.request('PUT', '/conf/api/admission', { agentsPerSec });
  if (saved.status !== 200)
    throw new Error(`cannot set the admission rate: ${saved.status} ${saved.text}`);
}

/** `tether_devices_online` (agents authenticated on this process) from `/metrics`. */
export async function readDevicesOnline(adminClient: HttpsClient): Promise<number> {
  const response = await adminClient.request('GET', '/metrics');
  const match = /^tether_devices_online\s+(\d+)/m.exec(response.text);
  if (response.status !== 200 || !match?.[1])
    throw new Error(`no tether_devices_online in /metrics (HTTP ${response.status})`);
  return Number(match[1]);
}

/**
 * Starts the real server CLI (`tether server`) in a child process on two free loopback ports,
 * signs in as the administrator and registers its shutdown with `cleanup`.
 *
 * @example
 * const server = await startServerProcess({ dataDir, cleanup });
 * console.log(await server.devicesOnline());
 */
export async function startServerProcess(options: {
  dataDir: string;
  cleanup: Cleanup;
  /** Preload the forced-GC hook (see {@link ServerProcess.collectGarbage}). */
  forcedGc?: boolean;
  /** More `tether server` flags (e.g. `--database postgres://…`). */
  extraArgs?: string[];
  /**
   * Agent connections admitted per second, saved in the server's settings once it
   * listens; kept across restarts. Default: the server's own (50/s).
   */
  admissionRate?: number;
}): Promise<ServerProcess> {
  const { dataDir, cleanup } = options;
  const [port, adminPort] = [await freePort(), await freePort()];
  const password = `bench-${randomBytes(12).toString('base64url')}`;
  let child: ChildProcess & { output: () => string };
  // The disposer is registered before the wait, so a stage that times out meanwhile still
  // stops the process; it always stops the current one (restart replaces it).
  const launch = async (cli?: string): Promise<void> => {
    const args = ['server', '--data-dir', dataDir, '--host', '127.0.0.1'];
    args.push('--port', String(port), '--admin-port', String(adminPort), '--log-level', 'warn');
    args.push(...(options.extraArgs ?? []));
    const env = {
      TETHER_ADMIN_PASSWORD: password,
      ...serverNodeOptions(options.forcedGc === true),
    };
    const started = cli ? startBuild(cli, args, env) : startCli(args, { env });
    child = started;
    await waitFor(
      'the server to listen',
      () => {
        if (started.exitCode !== null)
          throw new Error(`the server exited early:\n${started.output()}`);
        return LISTENING.exec(started.output()) ? true : undefined;
      },
      60_000,
    );
  };
  const starting = launch();
  cleanup.defer(`server on port ${port}`, () => stopProcess(child));
  await starting;

  const url = `https://127.0.0.1:${port}`;
  const ca = await readFile(join(dataDir, 'keys', 'tls-self-signed.crt'), 'utf8');
  const admin = new HttpsClient(url, ca);
  const login = await admin.request('POST', '/api/v1/auth/login', { username: 'admin', password });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  const adminClient = new HttpsClient(`https://127.0.0.1:${adminPort}`, ca);
  if (options.admissionRate !== undefined) {
    const conf = new HttpsClient(`https://127.0.0.1:${adminPort}`, ca);
    conf.cookie = admin.cookie;
    await setAdmissionRate(conf, options.admissionRate);
  }

  return {
    url,
    dataDir,
    ca,
    admin,
    adminPassword: password,
    adminClient,
    pid: () => child.pid ?? 0,
    collectGarbage() {
      if (!options.forcedGc) throw new Error('this server was started without the forced-GC hook');
      return collectGarbageIn({ pid: child.pid ?? 0, output: () => child.output() });
    },
    createInstaller: (installer) => createBenchInstaller(admin, installer),
    async writeProfile() {
      if (!process.env.BENCH_SERVER_CPU_PROF) return undefined;
      const written = (): string[] =>
        [...child.output().matchAll(/^bench-profile (.+)$/gm)].map((match) => match[1] ?? '');
      const before = written().length;
      process.kill(child.pid ?? 0, 'SIGWINCH');
      return waitFor(
        'the server to write its CPU profile',
        () => (written().length > before ? written().at(-1) : undefined),
        60_000,
      );
    },
    devicesOnline: () => readDevicesOnline(adminClient),
    kill: () => stopProcess(child, 'SIGKILL'),
    async restart(restartOptions) {
      if (cleanup.isClosed) throw new Error('the benchmark stage has ended; not restarting');
      const startedAt = performance.now();
      await launch(restartOptions?.cli);
      return performance.now() - startedAt;
    },
    stop: () => stopProcess(child),
    output: () => child.output(),
  };
}
