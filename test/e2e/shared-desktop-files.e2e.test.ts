import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  CreateInvitationResponse,
  ErrorBody,
  JoinInvitationResponse,
  relayPath,
} from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { waitFor } from '../support/cli.js';
import { filesOnSocket, openFiles } from '../support/files-client.js';
import { joinDesktop, openDesktop } from '../support/rfb-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

let server: TestServer;
let desktop: XDesktop;
let deviceId: string;
let technician: HttpsClient;
let fileRoot: string;

before(async () => {
  desktop = await startXDesktop();
  fileRoot = await mkdtemp(join(tmpdir(), 'tether-shared-files-'));
  await writeFile(join(fileRoot, 'shared-note.txt'), 'hello');
  server = await createTestServer();
  const agent = await server.startAgent({
    args: [
      '--vnc',
      `127.0.0.1:${desktop.vncPort}`,
      '--vnc-password-file',
      desktop.passwordFile,
      '--file-root',
      fileRoot,
    ],
  });
  deviceId = agent.device.id;
  const password = 'technician-password-1234';
  await server.server.context.auth.createUser({ username: 'tech', password, role: 'technician' });
  technician = server.client();
  const login = await technician.request('POST', '/api/v1/auth/login', {
    username: 'tech',
    password,
  });
  assert.equal(login.status, 200, login.text);
});
after(async () => {
  await server.close();
  await desktop.close();
  await rm(fileRoot, { recursive: true, force: true });
});

/** Invites the technician into a session and accepts it: their relay ticket. */
async function inviteTechnician(sessionId: string, control: boolean) {
  const created = await server.admin.request('POST', `/api/v1/sessions/${sessionId}/invitations`, {
    invitee: { type: 'user', username: 'tech' },
    control,
  });
  assert.equal(created.status, 201, created.text);
  const { invitation } = created.json(CreateInvitationResponse);
  const joined = await technician.request(
    'POST',
    `/api/v1/session-invitations/${invitation.id}/join`,
  );
  assert.equal(joined.status, 200, joined.text);
  return joined.json(JoinInvitationResponse).relay;
}

test('an invited user sees the same desktop through a stream of their own, ended with the session', async () => {
  const owner = await openDesktop(server.admin, deviceId);
  await waitFor('the screen', () => owner.receivedBytes() > 100_000 || undefined);
  const relay = await inviteTechnician(owner.session.session.id, false);
  assert.notEqual(relay.path, relayPath(owner.session.session.id), 'a stream of its own');
  const guest = await joinDesktop(technician, relay);
  assert.equal(guest.width, owner.width, 'the same screen');
  await waitFor('the guest to see the screen', () => guest.receivedBytes() > 100_000 || undefined);
  const ended = guest.close();
  await owner.close();
  await ended;
});

test('an invited user browses the same files session; files cannot be shared view only', async () => {
  const owner = await openFiles(server.admin, deviceId);
  await owner.request({ type: 'roots' }); // answered: the session runs
  const sessionId = owner.session.session.id;
  const refused = await server.admin.request('POST', `/api/v1/sessions/${sessionId}/invitations`, {
    invitee: { type: 'user', username: 'tech' },
    control: false,
  });
  assert.equal(refused.status, 422, refused.text);
  assert.match(refused.json(ErrorBody).message, /view only/);

  const relay = await inviteTechnician(sessionId, true);
  const guest = await filesOnSocket(technician.websocket(`${relay.path}?token=${relay.token}`));
  const listing = await guest.request({ type: 'list', path: fileRoot });
  assert.match(JSON.stringify(listing), /shared-note\.txt/);
  await owner.close();
  await guest.closed; // the guest's stream ends with the session
});
