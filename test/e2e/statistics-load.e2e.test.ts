import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeviceList, StatisticsSettingsView, type Device } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

// A-5, "a longer interval as the fleet grows", with real agents: a server that takes at most 0.2
// statistics samples a second needs 10 s between two agents' samples and 15 s between three's,
// so with the fleet's interval set to 5 s, an agent welcomed while two are connected is told to
// report every 10 s, and does. (The agents already connected are told once the count has been still
// for 30 s, as the unit tests of statistics-load.ts show.)

let server: TestServer;

async function inForce(): Promise<StatisticsSettingsView['inForce']> {
  const response = await server.admin.request('GET', '/api/v1/settings/statistics');
  assert.equal(response.status, 200, response.text);
  return response.json(StatisticsSettingsView).inForce;
}

async function device(id: string): Promise<Device> {
  const list = (await server.admin.request('GET', '/api/v1/devices')).json(DeviceList);
  const found = list.devices.find((candidate) => candidate.id === id);
  assert.ok(found, `device ${id} is listed`);
  return found;
}

/** The time stamp (`statsAt`) of the device's next report after the one at `since`. */
function nextReport(id: string, since: string | null): Promise<string> {
  return waitFor(
    `a new report from ${id}`,
    async () => {
      const { statsAt } = await device(id);
      return statsAt && statsAt !== since ? statsAt : undefined;
    },
    60_000,
  );
}

before(async () => {
  server = await createTestServer({ config: { agents: { statisticsPerSec: 0.2 } } });
  const saved = await server.admin.request('PUT', '/api/v1/settings/statistics', {
    intervalSec: 5,
    enabled: ['uptime'],
  });
  assert.equal(saved.status, 200, saved.text);
});

after(async () => {
  await server.close();
});

test('with more agents than the server takes samples a second, agents report less often than configured, and the settings say so', async () => {
  await server.startAgent();
  assert.deepEqual(await inForce(), { intervalSec: 5, connectedAgents: 1, samplesPerSec: 0.2 });
  await server.startAgent();
  assert.deepEqual(await inForce(), { intervalSec: 10, connectedAgents: 2, samplesPerSec: 0.2 });
  // The third is welcomed with the interval for two agents: 10 s, where 5 s are configured.
  const third = await server.startAgent();
  assert.deepEqual(await inForce(), { intervalSec: 15, connectedAgents: 3, samplesPerSec: 0.2 });
  const { id } = third.device;
  const reported = await nextReport(id, (await device(id)).statsAt);
  const next = await nextReport(id, reported);
  const apartMs = Date.parse(next) - Date.parse(reported);
  assert.ok(
    apartMs >= 9_000,
    `reports ${apartMs} ms apart: the 10 s interval of its welcome, not the 5 s configured`,
  );
});
