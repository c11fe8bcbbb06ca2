import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateUnattendedResponse, Device } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;

before(async () => {
  server = await createTestServer();
});
after(() => server.close());

/** The console's device event stream, as the console reads it: `device` events with a Device. */
function openDeviceStream(): Promise<{ devices: () => Device[]; close: () => void }> {
  const url = new URL('/api/v1/devices/events', server.url);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { ca: server.ca, headers: { origin: url.origin, cookie: server.admin.cookie ?? '' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`event stream refused with ${response.statusCode}`));
          return;
        }
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        const devices = (): Device[] =>
          [...text.matchAll(/^event: device\ndata: (.*)$/gm)].map((match) =>
            Device.parse(JSON.parse(match[1] ?? '')),
          );
        response.once('data', () => resolve({ devices, close: () => request.destroy() }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

test('the device stream tells the console what happens to a device: online, user presence, unattended on and off, offline', async () => {
  const stream = await openDeviceStream();
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
