import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateInstallerResponse,
  DeviceReply,
  type Device,
  type InstallerAttributeName,
} from '@tether/protocol';
import {
  createLogger,
  loadServerConfig,
  startServer,
  type Logger,
  type RunningServer,
  type ServerConfigInput,
  type StartServerOptions,
} from '@tether/server';
import { runCli, startCli, stopProcess, waitFor } from './cli.js';
import { ensureDeviceGroup } from './device-groups.js';
import { HttpsClient } from './https-client.js';
import { OffsetClock } from './offset-clock.js';

export const ADMIN_PASSWORD = 'test-admin-password-123';
const CONSOLE_DIR = fileURLToPath(new URL('../../packages/console/dist', import.meta.url));

export interface TestServer {
  server: RunningServer;
  url: string;
  adminUrl: string;
  dataDir: string;
  clock: OffsetClock;
  /** The server's certificate, to trust it in clients. */
  ca: string;
  /** A client signed in as the administrator. */
  admin: HttpsClient;
  client(localAddress?: string): HttpsClient;
  createInstaller(options?: {
    validForSec?: number;
    group?: string;
    maxInstalls?: number;
    /** Attributes the install may override. */
    overridable?: InstallerAttributeName[];
  }): Promise<CreateInstallerResponse>;
  /** Enrols a real agent process with the real CLI and runs it; resolves when the device is online. */
  startAgent(options?: {
    /** Extra `tether agent run` flags (e.g. `--file-root DIR`). */
    args?: string[];
    /** Extra environment of `tether agent enroll` and `run` (e.g. `HTTPS_PROXY`). */
    env?: NodeJS.ProcessEnv;
    /** The device group its installer enrols it in (default `Test devices`). */
    group?: string;
    /** Where the agent enrols and connects (default the server; a reverse proxy's URL, S-11). */
    serverUrl?: string;
  }): Promise<{
    device: Device;
    dataDir: string;
    /** The agent process, e.g. to measure its memory. */
    pid: number;
    /** What the agent printed so far (its log), for failure messages. */
    output(): string;
    /** Stops the agent (SIGTERM by default; SIGKILL to simulate a crash) and removes its data. */
    stop(signal?: NodeJS.Signals): Promise<void>;
  }>;
  close(): Promise<void>;
}

/**
 * A real server on ephemeral loopback ports with a temp SQLite data directory (STYLE.md,
 * Tests). Everything it starts is stopped by `close()`.
 */
export async function createTestServer(
  options: {
    /** Extra configuration keys (e.g. `storage`). */
    config?: Partial<ServerConfigInput>;
    /** Where the server's log lines go (default: stdout at TETHER_TEST_LOG, silent by default). */
    log?: Logger;
    /** More certificates the clients trust (PEM): a CA whose certificate a test uploads. */
    trust?: string;
    /** How the node joins a cluster (a `MemoryClusterGroup` member; see two-nodes.ts). */
    joinCluster?: StartServerOptions['joinCluster'];
    /** Another node's data directory whose `keys/` this node uses too (a cluster shares keys). */
    keysFrom?: string;
  } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-test-'));
  const clock = new OffsetClock();
  if (options.keysFrom)
    await cp(join(options.keysFrom, 'keys'), join(dataDir, 'keys'), { recursive: true });
  const config = loadServerConfig({
    flags: {
      dataDir,
      listen: { host: '127.0.0.1', port: 0 },
      admin: { host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
      ...options.config,
    },
  });
  const server = await startServer({
    config,
    log: options.log ?? createLogger({ level: process.env.TETHER_TEST_LOG ?? 'silent' }),
    clock,
    adminPassword: ADMIN_PASSWORD,
    consoleDir: CONSOLE_DIR,
    ...(options.joinCluster ? { joinCluster: options.joinCluster } : {}),
  });
  const url = server.url ?? '';
  const ca = server.context.tls.cert + (options.trust ?? '');
  const admin = new HttpsClient(url, ca);
  const login = await admin.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.text}`);
  const agents: (() => Promise<void>)[] = [];

  // The group is created first if needed: installers refuse a group that does not exist.
  const createInstaller: TestServer['createInstaller'] = async (options = {}) => {
    const group = options.group ?? 'Test devices';
    await ensureDeviceGroup(admin, group);
    const response = await admin.request('POST', '/api/v1/installers', {
      group,
      validForSec: options.validForSec ?? 3600,
      ...(options.maxInstalls ? { maxInstalls: options.maxInstalls } : {}),
      ...(options.overridable ? { overridable: options.overridable } : {}),
    });
    if (response.status !== 201) throw new Error(`installer creation failed: ${response.text}`);
    return response.json(CreateInstallerResponse);
  };

  return {
    server,
    url,
    adminUrl: server.adminUrl ?? '',
    dataDir,
    clock,
    ca,
    admin,
    client: (localAddress) => new HttpsClient(url, ca, localAddress),
    createInstaller,
    async startAgent(options = {}) {
      const { token } = await createInstaller(options.group ? { group: options.group } : {});
      const agentDir = await mkdtemp(join(tmpdir(), 'tether-agent-'));
      const enrolled = await runCli(
        [
          'agent',
          'enroll',
          '--server',
          options.serverUrl ?? url,
          '--token',
          token,
          '--data-dir',
          agentDir,
        ],
        options.env ? { env: options.env } : {},
      );
      if (enrolled.code !== 0)
        throw new Error(`agent enroll failed: ${enrolled.stderr}${enrolled.stdout}`);
      const deviceId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1] ?? '';
      const agent = startCli(
        ['agent', 'run', '--data-dir', agentDir, '--log-level', 'warn', ...(options.args ?? [])],
        options.env ? { env: options.env } : {},
      );
      const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
        await stopProcess(agent, signal);
        await rm(agentDir, { recursive: true, force: true });
      };
      agents.push(stop);
      // Waits for the server to report the device online; an agent that exits first fails at
      // once with its output, so only a slow machine uses the (generous) deadline.
      const device = await waitFor(
        'the agent to come online',
        async () => {
          if (agent.exitCode !== null || agent.signalCode !== null)
            throw new Error(
              `the agent exited (${agent.exitCode ?? agent.signalCode}) before it came online`,
            );
          const response = await admin.request('GET', `/api/v1/devices/${deviceId}`);
          if (response.status === 404) return undefined;
          const { device } = response.json(DeviceReply);
          return device.online ? device : undefined;
        },
        120_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nagent output:\n${agent.output()}`);
      });
      return { device, dataDir: agentDir, pid: agent.pid ?? 0, output: agent.output, stop };
    },
    async close() {
      await Promise.all(agents.map((stop) => stop()));
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
