import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { CreateInstallerResponse } from '@tether/protocol';
import { runCli, startCli, waitFor } from './cli.js';
import { ensureDeviceGroup } from './device-groups.js';
import { HttpsClient } from './https-client.js';

/**
 * A loopback port nobody listens on right now, for a server that must come back on the same
 * port after a restart (so it cannot simply bind port 0).
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Resolves true once something accepts TCP connections on the loopback port. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs the real `tether server` as a child process (to kill it with SIGKILL and restart it),
 * waits until it listens, and signs in as the administrator.
 *
 * @example
 * const server = await startServerProcess({ dataDir, port, password: 'admin-password-1' });
 * await stopProcess(server.process, 'SIGKILL');
 */
export async function startServerProcess(options: {
  dataDir: string;
  port: number;
  password: string;
  configFile?: string;
  logLevel?: string;
  /** `--database` (e.g. a private PostgreSQL's URL); default SQLite in the data dir. */
  database?: string;
  /** The admin listener's port; default an ephemeral one (a new one at each start). */
  adminPort?: number;
}): Promise<{ process: ReturnType<typeof startCli>; client: HttpsClient }> {
  const child = startCli(
    [
      'server',
      ...(options.configFile ? ['--config', options.configFile] : []),
      ...(options.database ? ['--database', options.database] : []),
      ...['--data-dir', options.dataDir, '--host', '127.0.0.1', '--port', String(options.port)],
      ...[
        '--admin-port',
        String(options.adminPort ?? 0),
        '--log-level',
        options.logLevel ?? 'warn',
      ],
    ],
    { env: { TETHER_ADMIN_PASSWORD: options.password } },
  );
  await waitFor(
    'the server to listen',
    () => (child.output().includes('Console:') ? true : undefined),
    20_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${child.output()}`);
  });
  const client = new HttpsClient(
    `https://localhost:${options.port}`,
    await readFile(join(options.dataDir, 'keys', 'tls-self-signed.crt'), 'utf8'),
  );
  const login = await client.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: options.password,
  });
  assert.equal(login.status, 200, login.text);
  return { process: child, client };
}

/**
 * Enrols an agent with the real CLI against a server process (an installer of `group`) and
 * starts `tether agent run`; the caller stops the returned process.
 *
 * @example
 * const agent = await enrollAndRunAgent(server.client, { port, agentDir, group: 'Crash' });
 */
export async function enrollAndRunAgent(
  client: HttpsClient,
  options: { port: number; agentDir: string; group: string },
): Promise<ReturnType<typeof startCli>> {
  await ensureDeviceGroup(client, options.group);
  const installer = (
    await client.request('POST', '/api/v1/installers', {
      group: options.group,
      validForSec: 3600,
    })
  ).json(CreateInstallerResponse);
  const enrolled = await runCli([
    ...['agent', 'enroll', '--server', `https://localhost:${options.port}`],
    ...['--token', installer.token, '--data-dir', options.agentDir],
  ]);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  return startCli(['agent', 'run', '--data-dir', options.agentDir, '--log-level', 'warn']);
}
