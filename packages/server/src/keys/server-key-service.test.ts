import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ServerMessage } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { systemClock } from '../clock.js';
import { DevicePresence, type AgentLink } from '../devices/device-presence.js';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { addDevice } from '../store/test/fixtures.js';
import { loadServerKeyRing } from './server-key-ring.js';
import { createServerKeyService, type ServerKeyService } from './server-key-service.js';

const ACTOR = { username: 'admin' };

describe('server key service', () => {
  let dir: string;
  let store: Store;
  let presence: DevicePresence;
  let keys: ServerKeyService;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-key-service-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    const log = createLogger({ level: 'silent' });
    presence = new DevicePresence();
    keys = createServerKeyService({
      ring: await loadServerKeyRing(join(dir, 'keys'), systemClock.now()),
      store,
      clock: systemClock,
      audit: createAuditLog({ store, clock: systemClock, log }),
      presence,
      log,
    });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A connected agent that keeps what the server sends it. */
  async function connectedAgent(): Promise<AgentLink & { received: ServerMessage[] }> {
    const device = await addDevice(store, `web-${presence.size}`);
    const received: ServerMessage[] = [];
    const link = {
      deviceId: device.id,
      capabilities: [],
      userPresence: undefined,
      received,
      send: (message: ServerMessage) => void received.push(message),
      close: () => undefined,
    };
    presence.connect(link);
    return link;
  }

  it('two rotations at once both land: the ring keeps every key agents were handed', async () => {
    const agent = await connectedAgent();
    const [first, second] = await Promise.all([keys.rotate(ACTOR), keys.rotate(ACTOR)]);
    const listed = (await keys.list()).map((key) => key.fingerprint);
    assert.equal(listed.length, 3);
    assert.ok(listed.includes(first.key.fingerprint) && listed.includes(second.key.fingerprint));
    const handed = agent.received.map((message) =>
      message.type === 'key.handover' ? message.serverPublicKey : undefined,
    );
    assert.deepEqual(handed, [first.key.publicKey, second.key.publicKey]);
  });

  it('an agent proving an older key is handed over again and counted where it is', async () => {
    const agent = await connectedAgent();
    const [original] = await keys.list();
    assert.ok(original);
    await keys.onPinned(agent.deviceId, original.publicKey);
    const { key } = await keys.rotate(ACTOR);
    agent.received.length = 0;
    await keys.onAgentPinned(agent, original.publicKey);
    assert.equal(agent.received[0]?.type, 'key.handover');
    await keys.onAgentPinned(agent, key.publicKey);
    assert.equal(agent.received.length, 1, 'no hand-over for an agent on the current key');
    const counts = new Map((await keys.list()).map((info) => [info.status, info.agentsPinned]));
    assert.deepEqual(Object.fromEntries(counts), { previous: 0, current: 1 });
  });

  it('retiring a key agents still pin needs a confirmation and changes nothing without it', async () => {
    const agent = await connectedAgent();
    const [original] = await keys.list();
    assert.ok(original);
    await keys.onPinned(agent.deviceId, original.publicKey);
    await keys.rotate(ACTOR);
    await assert.rejects(
      keys.retire(original.fingerprint, { confirm: false, actor: ACTOR }),
      /1 enrolled agent still pins/,
    );
    assert.equal((await keys.list())[0]?.status, 'previous');
    const retired = await keys.retire(original.fingerprint, { confirm: true, actor: ACTOR });
    assert.equal(retired.status, 'retired');
    assert.equal(keys.isRetired(original.fingerprint), true);
    assert.deepEqual(keys.handovers(), []);
  });
});
