import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { openDeviceEvents } from '../support/device-events.js';

let server: TestServer;
let deviceId = '';

before(async () => {
  server = await createTestServer();
  deviceId = (await server.startAgent()).device.id;
});

after(() => server.close());

test('a store failure under work nobody awaits is logged and audited, and the live session goes on', async () => {
  const { context } = server.server;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): number => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const terminal = await openTerminal(server.admin, deviceId);
  const events = await openDeviceEvents(server);
  const find = context.store.devices.find.bind(context.store.devices);
  try {
    terminal.type('echo before-$((20+1))\n');
    await terminal.waitForOutput(/before-21/);

    // The device event stream reads the device after every change; that read now fails.
    context.store.devices.find = () => Promise.reject(new Error('injected store failure'));
    // Any device event makes the stream read the device: as if its agent had just reconnected.
    context.presence.events.emit({ type: 'online', deviceId });
    const audited = await waitFor('the failure to be audited', async () => {
      const page = (
        await server.admin.request('GET', '/api/v1/audit?action=server.task_failed')
      ).json(AuditPage);
      return page.entries.find((entry) => entry.details.error === 'injected store failure');
    });
    assert.equal(audited.details.task, 'push a device change to an event stream');
    context.store.devices.find = find;

    // The server, the event stream and the session all go on.
    terminal.type('echo after-$((20+2))\n');
    await terminal.waitForOutput(/after-22/);
    context.presence.events.emit({ type: 'online', deviceId });
    await waitFor('the next device event', () =>
      events.received().includes(`"id":"${deviceId}"`) ? true : undefined,
    );
    assert.deepEqual(unhandled, []);
  } finally {
    context.store.devices.find = find;
    events.close();
    await terminal.close();
    process.off('unhandledRejection', onUnhandled);
  }
});
