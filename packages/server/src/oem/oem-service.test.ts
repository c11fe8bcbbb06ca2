import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AppError, type ServerMessage } from '@tether/protocol';
import { createAuditLog } from '../audit/audit-log.js';
import { systemClock } from '../clock.js';
import { DevicePresence } from '../devices/device-presence.js';
import { createLogger } from '../logging.js';
import { SessionService } from '../sessions/session-service.js';
import { createDeviceRights } from '../rights/device-rights.js';
import { openStore } from '../store/open-store.js';
import type { DeviceRecord, Store } from '../store/store.js';
import { addDevice, addGroup } from '../store/test/fixtures.js';
import type { OemCaller } from './oem-context.js';
import { createOemService, type OemService } from './oem-service.js';

const log = createLogger({ level: 'silent' });

/** The device's side of the channel: what the server sent it. */
interface FakeAgent {
  sent: ServerMessage[];
  requests(): { requestId: string; op: string }[];
}

describe('OemService (requests to agents)', () => {
  let dir: string;
  let store: Store;
  let presence: DevicePresence;
  let oem: OemService;
  let device: DeviceRecord;
  let caller: OemCaller;
  let agent: FakeAgent;
  let remoteControlId: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tether-oem-'));
    store = await openStore(`sqlite:${join(dir, 'tether.db')}`);
    const audit = createAuditLog({ store, clock: systemClock, log });
    presence = new DevicePresence();
    const sessions = new SessionService({
      store,
      clock: systemClock,
      audit,
      presence,
      log,
      recordingsDir: dir,
      relayTokenTtlSec: 60,
      maxLifetimeSec: 43_200,
      recordingModeFor: () => Promise.resolve('off'),
      onRecordingFinished: () => undefined,
      admit: () => Promise.resolve({ accessWindow: null }),
      rights: createDeviceRights({ store, audit }),
    });
    oem = createOemService({
      store,
      clock: systemClock,
      audit,
      presence,
      sessions,
      log,
      publicUrl: () => 'https://support.example.com',
      replyTimeoutMs: 200,
    });
    device = await addDevice(store, 'kiosk-1');
    remoteControlId = await oem.remoteControlIdFor(device.id);
    await addGroup(store, 'office');
    const tenant = await oem.admin.createTenant(
      { name: 'Acme', groups: ['office'] },
      { actor: 'test' },
    );
    const { secret } = await oem.admin.createToken(
      tenant.id,
      { name: 'all', permissions: ['createDeviceKey', 'requestControl', 'deleteDeviceKey'] },
      { actor: 'test' },
    );
    caller = await oem.authenticate({
      authorization: `Bearer ${secret}`,
      sourceAddress: '127.0.0.1',
      operation: 'test',
    });
    const sent: ServerMessage[] = [];
    agent = {
      sent,
      requests: () =>
        sent.flatMap((message) =>
          message.type === 'oem.request'
            ? [{ requestId: message.requestId, op: message.operation.op }]
            : [],
        ),
    };
    presence.connect({
      deviceId: device.id,
      capabilities: [],
      userPresence: undefined,
      send: (message) => sent.push(message),
      close: () => undefined,
    });
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const createKey = () =>
    oem.createDeviceKey(caller, {
      key_permissions: 'attended',
      remotecontrol_id: remoteControlId,
      request_id: '8c4fa1a7-9d1c-41e9-be17-70e95c289080',
      tenant_id: caller.tenant.id,
    });

  const nextRequest = async (): Promise<{ requestId: string; op: string }> => {
    for (let i = 0; i < 100 && agent.requests().length === 0; i++)
      await new Promise((resolve) => setImmediate(resolve));
    const request = agent.requests().at(-1);
    assert.ok(request, 'the agent was asked');
    return request;
  };

  it('keeps the remote-control ID of a device stable', async () => {
    assert.match(remoteControlId, /^r\d{9}$/);
    assert.equal(await oem.remoteControlIdFor(device.id), remoteControlId);
  });

  it('a token revoked while the device answers gets nothing, and the new key is deleted again', async () => {
    const pending = createKey();
    const { requestId } = await nextRequest();
    await oem.admin.revokeToken(caller.token.id, { actor: 'test' });
    oem.onReply(device.id, {
      type: 'oem.reply',
      requestId,
      result: { deviceKeyId: 'k1', encryptedPrivateKey: 'PEM', decommissionToken: 'd'.repeat(43) },
    });
    await assert.rejects(
      pending,
      (error) => error instanceof AppError && error.code === 'TOKEN_INVALID',
    );
    assert.deepEqual(await store.oem.listDeviceKeys(caller.tenant.id), []);
    const cleanup = agent.sent.at(-1);
    assert.equal(cleanup?.type === 'oem.request' && cleanup.operation.op, 'deleteDeviceKey');
  });

  it("asks for the tenant's formats, and refuses and deletes a key an older agent made in another", async () => {
    const seedCaller = {
      ...caller,
      tenant: { ...caller.tenant, compatibility: 'seed-001' as const },
    };
    const pending = oem.createDeviceKey(seedCaller, {
      key_permissions: 'attended',
      remotecontrol_id: remoteControlId,
      request_id: '8c4fa1a7-9d1c-41e9-be17-70e95c289080',
      tenant_id: caller.tenant.id,
    });
    const { requestId } = await nextRequest();
    const asked = agent.sent.at(-1);
    assert.equal(
      asked?.type === 'oem.request' && asked.operation.op === 'createDeviceKey'
        ? asked.operation.keyFormat
        : undefined,
      'traditional',
    );
    oem.onReply(device.id, {
      type: 'oem.reply',
      requestId,
      result: {
        deviceKeyId: 'k1',
        encryptedPrivateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF…\n',
        decommissionToken: 'd'.repeat(43),
      },
    });
    await assert.rejects(
      pending,
      (error) => error instanceof AppError && /update the agent/.test(error.message),
    );
    const refused = await store.audit.list({ limit: 5, action: 'oem.refused' });
    assert.match(String(refused[0]?.details.reason), /another key format than traditional/);
    assert.deepEqual(await store.oem.listDeviceKeys(caller.tenant.id), []);
    const cleanup = agent.sent.at(-1);
    assert.equal(cleanup?.type === 'oem.request' && cleanup.operation.op, 'deleteDeviceKey');
  });

  it('ignores an answer from another device and refuses a malformed one', async () => {
    const pending = createKey();
    const { requestId } = await nextRequest();
    oem.onReply('another-device', {
      type: 'oem.reply',
      requestId,
      result: { deviceKeyId: 'forged', encryptedPrivateKey: 'PEM', decommissionToken: 'x' },
    });
    oem.onReply(device.id, { type: 'oem.reply', requestId, result: { deviceKeyId: 42 } });
    await assert.rejects(
      pending,
      (error) => error instanceof AppError && error.code === 'UNAVAILABLE',
    );
    assert.deepEqual(await store.oem.listDeviceKeys(caller.tenant.id), []);
  });

  it('gives up on a silent device, and fails at once when it disconnects', async (t) => {
    // The reply timer is unref'd (it must not hold a server open); hold the test's loop here.
    const keepAlive = setInterval(() => undefined, 50);
    t.after(() => clearInterval(keepAlive));
    await assert.rejects(
      createKey(),
      (error) => error instanceof AppError && /did not answer/.test(error.message),
    );
    const pending = createKey();
    await nextRequest();
    const link = presence.get(device.id);
    assert.ok(link);
    presence.disconnect(link);
    await assert.rejects(
      pending,
      (error) => error instanceof AppError && error.code === 'DEVICE_OFFLINE',
    );
    await assert.rejects(
      createKey(),
      (error) => error instanceof AppError && error.code === 'DEVICE_OFFLINE',
    );
  });

  it('passes the device refusal on, audited, and records nothing', async () => {
    const pending = createKey();
    const { requestId } = await nextRequest();
    oem.onReply(device.id, {
      type: 'oem.reply',
      requestId,
      error: { code: 'CONFLICT', message: 'The request_id does not match the rollout file.' },
    });
    await assert.rejects(
      pending,
      (error) => error instanceof AppError && error.code === 'CONFLICT',
    );
    const refused = await store.audit.list({ limit: 5, action: 'oem.refused' });
    assert.match(String(refused[0]?.details.reason), /rollout file/);
    assert.deepEqual(await store.oem.listDeviceKeys(caller.tenant.id), []);
  });
});
