import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateUnattendedResponse, Device } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openDeviceEvents } from '../support/device-events.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

test('the device stream tells the console what happens to a device: online, user presence, unattended on and off, offline', async () => {
  const stream = await openDeviceEvents(server);
  const presenceFile = join(server.dataDir, 'presence');
  await writeFile(presenceFile, 'absent');
  try {
    const agent = await server.startAgent({
      args: ['--user-presence', `file:${presenceFile}`, '--presence-interval', '1'],
    });
    const deviceId = agent.device.id;
    const latest = (match: (device: Device) => boolean) => (): Device | undefined =>
      stream.devices().findLast((device) => device.id === deviceId && match(device));

    await waitFor(
      'the device online',
      latest((device) => device.online),
    );

    await writeFile(presenceFile, 'locked');
    const locked = await waitFor(
      'the user presence',
      latest((device) => device.userPresence?.screenLocked === true),
    );
    assert.deepEqual(locked.userPresence, { loggedIn: true, screenLocked: true, user: 'console' });

    const created = await server.admin.request('POST', '/api/v1/unattended', {
      deviceId,
      mode: 'unattended',
    });
    assert.equal(created.status, 201, created.text);
    const { access } = created.json(CreateUnattendedResponse);
    await waitFor(
      'unattended access on',
      latest((device) => device.unattendedAccess?.id === access.id),
    );
    const seen = stream.devices().length;
    const revoked = await server.admin.request('DELETE', `/api/v1/unattended/${access.id}`);
    assert.ok(revoked.status < 300, revoked.text);
    await waitFor('unattended access off', () =>
      stream
        .devices()
        .slice(seen)
        .find((device) => device.id === deviceId && device.unattendedAccess === null),
    );

    await agent.stop();
    const offline = await waitFor(
      'the device offline',
      latest((device) => !device.online),
    );
    assert.notEqual(offline.lastSeenAt, null);
  } finally {
    stream.close();
  }
});
