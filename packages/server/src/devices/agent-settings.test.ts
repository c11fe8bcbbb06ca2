import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { TestClock, type ServerMessage } from '@tether/protocol';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { addDevice, addGroup, addInstaller } from '../store/test/fixtures.js';
import { createAgentSettings } from './agent-settings.js';
import { DevicePresence, type AgentLink } from './device-presence.js';
import { writeGroupStatistics } from './group-statistics.js';
import { writeStatisticsSettings } from './statistics-settings.js';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tether-agent-settings-'));
  store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A connected agent that keeps what the server sends it. */
function link(deviceId: string): AgentLink & { sent: ServerMessage[] } {
  const sent: ServerMessage[] = [];
  return {
    deviceId,
    capabilities: [],
    userPresence: undefined,
    sent,
    send: (message) => sent.push(message),
    close: () => undefined,
  };
}

/** The statistics settings a welcome of a device of `group` carries. */
const statisticsOf = async (settings: ReturnType<typeof createAgentSettings>, group: string) =>
  (await settings.of({ deviceId: 'any', group, maxOfflineMinutes: null })).statistics;

const intervals = (agent: { sent: ServerMessage[] }) =>
  agent.sent.map((message) => (message.type === 'settings' ? message.settings.statistics : null));

test("a group's agents get its own statistics settings, the others the fleet's, and a push reaches only its audience", async () => {
  const kiosks = await addGroup(store, 'Kiosks');
  await addGroup(store, 'office');
  const kiosk = await addDevice(store, 'kiosk-1', await addInstaller(store, { group: 'Kiosks' }));
  const desk = await addDevice(store, 'desk-1');
  const fleet = { intervalSec: 30, enabled: ['cpu' as const] };
  const own = { intervalSec: 300, enabled: ['uptime' as const] };
  await writeStatisticsSettings(store, fleet);
  await writeGroupStatistics(store, kiosks.id, own);
  const presence = new DevicePresence();
  const [kioskLink, deskLink] = [link(kiosk.id), link(desk.id)];
  presence.connect(kioskLink);
  presence.connect(deskLink);
  const settings = createAgentSettings({
    store,
    presence,
    clock: new TestClock(),
    samplesPerSec: 200,
  });

  assert.deepEqual(await statisticsOf(settings, 'kiosks'), own);
  assert.deepEqual(await statisticsOf(settings, 'office'), fleet);
  await settings.push({ group: 'KIOSKS' });
  assert.deepEqual(intervals(kioskLink), [own]);
  assert.deepEqual(intervals(deskLink), []);
  await settings.push();
  assert.deepEqual(intervals(kioskLink), [own, own]);
  assert.deepEqual(intervals(deskLink), [fleet]);
  await settings.push({ deviceIds: [desk.id] });
  assert.deepEqual(intervals(deskLink), [fleet, fleet]);
  assert.equal(kioskLink.sent.length, 2);
});

test('welcomes reuse the settings read for a second; a push reads them afresh', async () => {
  const clock = new TestClock();
  const settings = createAgentSettings({
    store,
    presence: new DevicePresence(),
    clock,
    samplesPerSec: 200,
  });
  const first = { intervalSec: 30, enabled: ['cpu' as const] };
  const second = { intervalSec: 60, enabled: ['memory' as const] };
  await writeStatisticsSettings(store, first);
  assert.deepEqual(await statisticsOf(settings, 'office'), first);
  await writeStatisticsSettings(store, second); // headless: no push
  assert.deepEqual(await statisticsOf(settings, 'office'), first);
  clock.advance(1000);
  assert.deepEqual(await statisticsOf(settings, 'office'), second);
  await writeStatisticsSettings(store, first);
  await settings.push();
  assert.deepEqual(await statisticsOf(settings, 'office'), first);
});

test('as more agents connect than the samples a second allow, their interval is lengthened and pushed (A-5)', async () => {
  const kiosks = await addGroup(store, 'Kiosks');
  const fleet = { intervalSec: 30, enabled: ['cpu' as const] };
  const own = { intervalSec: 300, enabled: ['uptime' as const] };
  await writeStatisticsSettings(store, fleet);
  await writeGroupStatistics(store, kiosks.id, own);
  const clock = new TestClock();
  const presence = new DevicePresence();
  // 0.1 samples a second: four agents need 40 s between samples, the step of 45 s.
  const settings = createAgentSettings({ store, presence, clock, samplesPerSec: 0.1 });
  const kiosk = link(
    (await addDevice(store, 'kiosk-2', await addInstaller(store, { group: 'Kiosks' }))).id,
  );
  const [desk, ...moreDesks] = await Promise.all(
    ['desk-a', 'desk-b', 'desk-c'].map(async (name) => link((await addDevice(store, name)).id)),
  );
  assert.ok(desk);
  const desks = [desk, ...moreDesks];
  assert.deepEqual(await statisticsOf(settings, 'office'), fleet, 'no agent yet');
  presence.connect(kiosk);
  presence.connect(desk);
  assert.deepEqual(await statisticsOf(settings, 'office'), fleet, 'two agents: 20 s is enough');
  for (const other of moreDesks) presence.connect(other);
  const lengthened = { ...fleet, intervalSec: 45 };
  assert.deepEqual(await statisticsOf(settings, 'office'), lengthened);
  assert.deepEqual(await statisticsOf(settings, 'kiosks'), own, "a longer group's own is kept");
  assert.deepEqual(settings.inForce(fleet), {
    intervalSec: 45,
    connectedAgents: 4,
    samplesPerSec: 0.1,
  });
  assert.deepEqual(intervals(desk), [], 'the connected agents are told later, not in a storm');
  clock.advance(30_000);
  await waitFor(() => desks.every((one) => intervals(one).at(-1)?.intervalSec === 45));
  assert.deepEqual(intervals(kiosk).at(-1), own);
  assert.equal(desk.sent.length, 1, 'the steps below 30 s changed nobody’s: not pushed');

  for (const other of moreDesks) presence.disconnect(other);
  clock.advance(30_000);
  await waitFor(() => intervals(desk).at(-1)?.intervalSec === 30);
  assert.deepEqual(settings.inForce(fleet), {
    intervalSec: 30,
    connectedAgents: 2,
    samplesPerSec: 0.1,
  });
  settings.stop();
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; !condition(); attempt++) {
    if (attempt > 1000) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
