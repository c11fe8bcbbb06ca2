import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceList, RecordingList } from '@tether/protocol';
import { stopProcess, waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { enrollAndRunAgent, freePort, startServerProcess } from '../support/server-process.js';

const PASSWORD = 'crash-test-password-1';

test('a recording survives a SIGKILL of the server with everything the technician saw before the kill', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tether-crash-'));
  const agentDir = await mkdtemp(join(tmpdir(), 'tether-crash-agent-'));
  const port = await freePort();
  let server = await startServerProcess({ dataDir, port, password: PASSWORD });
  const agent = await enrollAndRunAgent(server.client, { port, agentDir, group: 'Crash' });
  try {
    const device = await waitFor('the device to come online', async () => {
      const list = (await server.client.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((candidate) => candidate.online);
    });
    const terminal = await openTerminal(server.client, device.id);
    terminal.type('for i in $(seq 1 400); do echo "tick-$i"; sleep 0.1; done\r');
    await terminal.waitForOutput(/tick-25\b/);
    const seen = [...terminal.output().matchAll(/tick-(\d+)/g)].map((match) => Number(match[1]));
    const lastSeen = Math.max(...seen);
    await stopProcess(server.process, 'SIGKILL');

    server = await startServerProcess({ dataDir, port, password: PASSWORD });
    const recordings = (await server.client.request('GET', '/api/v1/recordings')).json(
      RecordingList,
    );
    const recording = recordings.recordings.find(
      (candidate) => candidate.sessionId === terminal.session.session.id,
    );
    assert.ok(recording, 'the recording is listed after the restart');
    assert.equal(recording.state, 'interrupted');
    const content = await server.client.request(
      'GET',
      `/api/v1/recordings/${recording.id}/content`,
    );
    const recorded = [...content.text.matchAll(/tick-(\d+)/g)].map((match) => Number(match[1]));
    const lastRecorded = Math.max(...recorded);
    // The recorder writes each output before the relay forwards it: nothing seen is missing.
    assert.ok(
      lastRecorded >= lastSeen,
      `recorded up to tick ${lastRecorded}, the technician saw ${lastSeen}`,
    );
    for (let tick = 1; tick <= lastRecorded; tick++)
      assert.ok(recorded.includes(tick), `tick ${tick} is in the recording`);
    await terminal.closed;
  } finally {
    await stopProcess(agent);
    await stopProcess(server.process);
    await rm(dataDir, { recursive: true, force: true });
    await rm(agentDir, { recursive: true, force: true });
  }
});
