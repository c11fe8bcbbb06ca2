import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { CreateSessionResponse, RecordingList, SessionList } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openDesktop } from '../support/rfb-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

let server: TestServer;
let desktop: XDesktop;
let deviceId: string;
const marker = `/tmp/tether-desktop-${randomUUID()}`;
const viewOnlyMarker = `${marker}-view-only`;

before(async () => {
  desktop = await startXDesktop();
  server = await createTestServer();
  const agent = await server.startAgent({
    args: ['--vnc', `127.0.0.1:${desktop.vncPort}`, '--vnc-password-file', desktop.passwordFile],
  });
  deviceId = agent.device.id;
});
after(async () => {
  await server.close();
  await desktop.close();
  await rm(marker, { force: true });
  await rm(viewOnlyMarker, { force: true });
});

test('a view-only session shows the screen but its typing reaches nothing; a full one types', async () => {
  const viewer = await openDesktop(server.admin, deviceId, { viewOnly: true });
  assert.equal(viewer.width, 1024, 'the agent authenticated to x11vnc and relayed ServerInit');
  await waitFor('screen updates in view-only', () => viewer.receivedBytes() > 100_000 || undefined);
  viewer.click(200, 150);
  viewer.type(`touch ${viewOnlyMarker}\n`);

  const technician = await openDesktop(server.admin, deviceId);
  await waitFor('screen updates', () => technician.receivedBytes() > 100_000 || undefined);
  technician.click(200, 150);
  technician.type(`touch ${marker}\n`);
  await waitFor('the typed command to run', () => existsSync(marker) || undefined, 20_000);
  // The view-only keys were sent first: had they reached the xterm, their file would exist now.
  assert.equal(existsSync(viewOnlyMarker), false, 'view-only input was dropped by the agent');
  assert.equal((await viewer.close()).code, 1000);
  assert.equal((await technician.close()).code, 1000);

  const recording = await waitFor('the desktop recording to complete', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find(
      (candidate) => candidate.sessionId === technician.session.session.id,
    );
    return found?.state === 'complete' ? found : undefined;
  });
  assert.equal(recording.format, 'tether-rfb-v1');
  const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  assert.equal(content.headers['x-recording-intact'], 'true');
  const [header, ...events] = content.text.trim().split('\n');
  assert.equal((JSON.parse(header ?? '{}') as { format?: string }).format, 'tether-rfb-v1');
  const bytes = Buffer.concat(
    events.map((line) => Buffer.from((JSON.parse(line) as [number, string])[1], 'base64')),
  );
  assert.equal(bytes.subarray(0, 12).toString('latin1'), 'RFB 003.008\n');
  assert.ok(bytes.length > 1024 * 768, 'at least one full screen of pixels was recorded');
});

test('a wrong VNC password refuses the session with what to fix, and never shows the password', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tether-vnc-wrong-'));
  const wrongFile = join(dir, 'password');
  await writeFile(wrongFile, 'not-the-password\n', { mode: 0o600 });
  const agent = await server.startAgent({
    args: ['--vnc', `127.0.0.1:${desktop.vncPort}`, '--vnc-password-file', wrongFile],
  });
  try {
    const response = await server.admin.request('POST', '/api/v1/sessions', {
      deviceId: agent.device.id,
      kind: 'desktop',
    });
    assert.equal(response.status, 201, response.text);
    const { session, relay } = response.json(CreateSessionResponse);
    const socket = server.admin.websocket(`${relay.path}?token=${relay.token}`);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    assert.notEqual(closed.code, 1000);
    const ended = await waitFor('the session to end', async () => {
      const list = (
        await server.admin.request('GET', `/api/v1/sessions?deviceId=${agent.device.id}`)
      ).json(SessionList);
      const found = list.sessions.find((candidate) => candidate.id === session.id);
      return found?.state === 'ended' ? found : undefined;
    });
    assert.match(ended.endReason ?? '', /refused the password.*--vnc-password-file/);
    assert.doesNotMatch(ended.endReason ?? '', /not-the-password|tether-vnc-secret/);
  } finally {
    await agent.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('--x11vnc-display makes the agent serve the display through its own x11vnc', async () => {
  const file = `${marker}-x11vnc`;
  const agent = await server.startAgent({ args: ['--x11vnc-display', desktop.display] });
  try {
    const technician = await openDesktop(server.admin, agent.device.id);
    assert.equal(technician.width, 1024);
    await waitFor('screen updates', () => technician.receivedBytes() > 100_000 || undefined);
    technician.click(200, 150);
    technician.type(`touch ${file}\n`);
    await waitFor('the typed command to run', () => existsSync(file) || undefined, 20_000);
    await technician.close();
  } finally {
    await agent.stop();
    await rm(file, { force: true });
  }
});
