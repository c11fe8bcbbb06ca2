import { join } from 'node:path';
import { DeviceList } from '@tether/protocol';
import { runCli, startCli, stopProcess, waitFor } from '../../test/support/cli.js';
import type { Cleanup } from '../lib/cleanup.js';
import type { ServerProcess } from '../lib/server-process.js';

/**
 * Enrols and runs a real agent process (`tether agent enroll`, `tether agent run`) against the
 * server; resolves with its device id once the server lists it online.
 *
 * @example
 * const deviceId = await startRealAgent(server, { dir, cleanup });
 */
export async function startRealAgent(
  server: ServerProcess,
  options: {
    dir: string;
    cleanup: Cleanup;
    /** Extra `tether agent run` flags. */ args?: string[];
    /** How long the agent may take to come online (default 15 s). */
    onlineTimeoutMs?: number;
  },
): Promise<string> {
  const { token } = await server.createInstaller({});
  const dataDir = join(options.dir, 'agent');
  const enrolled = await runCli([
    'agent',
    'enroll',
    '--server',
    server.url,
    '--token',
    token,
    '--data-dir',
    dataDir,
  ]);
  if (enrolled.code !== 0)
    throw new Error(`agent enroll failed: ${enrolled.stderr}${enrolled.stdout}`);
  const deviceId = /device ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1];
  if (!deviceId) throw new Error(`agent enroll printed no device id: ${enrolled.stdout}`);
  const agent = startCli([
    'agent',
    'run',
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    ...(options.args ?? []),
  ]);
  options.cleanup.defer('agent process', () => stopProcess(agent));
  await waitFor(
    'the agent to come online',
    async () => {
      const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.some((device) => device.id === deviceId && device.online)
        ? true
        : undefined;
    },
    options.onlineTimeoutMs,
  ).catch((error: unknown) => {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\nagent output:\n${agent.output()}`,
    );
  });
  return deviceId;
}
