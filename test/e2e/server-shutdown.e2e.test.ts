import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { enrollAndRunAgent, freePort, startServerProcess } from '../support/server-process.js';

const PASSWORD = 'shutdown-test-password-1';

test('SIGTERM shuts the server down in order: a clean exit, no error in its log', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-shutdown-'));
  const agentDir = await mkdtemp(join(tmpdir(), 'tether-shutdown-agent-'));
  const port = await freePort();
  const server = await startServerProcess({ dataDir, port, password: PASSWORD });
  const agent = { process: undefined as ReturnType<typeof startCli> | undefined };
  try {
    agent.process = await enrollAndRunAgent(server.client, { port, agentDir, group: 'Stop' });
    const device = await waitFor('the device to come online', async () => {
      const list = (await server.client.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((candidate) => candidate.online);
    });
    // A live session, as a technician would have open.
    const terminal = await openTerminal(server.client, device.id);
    terminal.type('echo "open-$((6 * 7))"\r');
    await terminal.waitForOutput(/open-42/);

    const exited = new Promise<number | null>((resolve) =>
      server.process.once('exit', (code) => resolve(code)),
    );
    const signalled = Date.now();
    server.process.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - signalled) / 1000;
    const closed = await terminal.closed;
    const log = server.process.output();
    assert.equal(code, 0, log);
    assert.ok(seconds < 10, `the server took ${seconds} s to stop`);
    assert.equal(closed.code, 1001, 'the technician was told the server is going away');
    const errors = log.split('\n').filter((line) => /"level":(50|60)|Error/.test(line));
    assert.deepEqual(errors, [], 'no error lines in the server log');
  } finally {
    if (agent.process) await stopProcess(agent.process);
    await stopProcess(server.process);
    await rm(dataDir, { recursive: true, force: true });
    await rm(agentDir, { recursive: true, force: true });
  }
});
