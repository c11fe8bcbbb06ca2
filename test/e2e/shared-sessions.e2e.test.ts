import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AuditPage,
  CreateInvitationResponse,
  ErrorBody,
  JoinInvitationResponse,
  PolicyReply,
  SessionInvitationList,
  type Notification,
} from '@tether/protocol';
import type { HttpsClient } from '../support/https-client.js';
import { waitFor } from '../support/cli.js';
import { joinTerminal, openTerminal, type RelayTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let deviceId: string;
let technician: HttpsClient;
const notified: Notification[] = [];

before(async () => {
  server = await createTestServer();
  deviceId = (await server.startAgent()).device.id;
  const password = 'technician-password-1234';
  await server.server.context.auth.createUser({ username: 'tech', password, role: 'technician' });
  technician = server.client();
  const login = await technician.request('POST', '/api/v1/auth/login', {
    username: 'tech',
    password,
  });
  assert.equal(login.status, 200, login.text);
  const { notifications } = server.server.context;
  const notify = notifications.notify.bind(notifications);
  notifications.notify = (notification) => {
    notified.push(notification);
    notify(notification);
  };
});
after(async () => server.close());

const invite = (client: HttpsClient, sessionId: string, body: unknown) =>
  client.request('POST', `/api/v1/sessions/${sessionId}/invitations`, body);

/** Accepts the invitation addressed to the technician and joins the session's relay. */
async function joinAsTechnician(invitationId: string): Promise<RelayTerminal> {
  const listed = (await technician.request('GET', '/api/v1/session-invitations')).json(
    SessionInvitationList,
  );
  assert.ok(listed.invitations.some((invitation) => invitation.id === invitationId));
  const joined = await technician.request(
    'POST',
    `/api/v1/session-invitations/${invitationId}/join`,
  );
  assert.equal(joined.status, 200, joined.text);
  return joinTerminal(technician, joined.json(JoinInvitationResponse).relay);
}

test('an invited user watches the same terminal; their keys reach the device only with control', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  terminal.type('echo "before-$((20 + 1))"\r');
  await terminal.waitForOutput(/before-21/);
  const sessionId = terminal.session.session.id;

  const watching = await invite(server.admin, sessionId, {
    invitee: { type: 'user', username: 'tech' },
    control: false,
  });
  assert.equal(watching.status, 201, watching.text);
  const watchInvitation = watching.json(CreateInvitationResponse).invitation;
  assert.equal(watchInvitation.state, 'pending');
  assert.equal(watching.json(CreateInvitationResponse).link, undefined);
  const notice = notified.find((entry) => entry.details?.invitationId === watchInvitation.id);
  assert.ok(notice, 'the invitation was notified');
  assert.equal(notice.kind, 'session.invitation');
  assert.match(notice.subject, /admin invited tech/);

  const watcher = await joinAsTechnician(watchInvitation.id);
  await watcher.waitForOutput(/before-21/); // the recent output is replayed on joining
  watcher.type('echo "guest-$((30 + 3))"\r');
  terminal.type('echo "shared-$((40 + 2))"\r');
  await terminal.waitForOutput(/shared-42/);
  await watcher.waitForOutput(/shared-42/);
  assert.doesNotMatch(terminal.output(), /guest-33/, 'a view-only guest cannot type');

  const steering = await invite(server.admin, sessionId, {
    invitee: { type: 'user', username: 'tech' },
    control: true,
  });
  assert.equal(steering.status, 201, steering.text);
  const controller = await joinAsTechnician(steering.json(CreateInvitationResponse).invitation.id);
  controller.type('echo "control-$((50 + 5))"\r');
  await terminal.waitForOutput(/control-55/);
  await watcher.waitForOutput(/control-55/);

  const again = await technician.request(
    'POST',
    `/api/v1/session-invitations/${watchInvitation.id}/join`,
  );
  assert.equal(again.status, 401, again.text);
  assert.match(again.json(ErrorBody).message, /already used/);

  const listed = (
    await server.admin.request('GET', `/api/v1/sessions/${sessionId}/invitations`)
  ).json(SessionInvitationList);
  assert.deepEqual(
    listed.invitations.map((invitation) => invitation.state),
    ['joined', 'joined'],
  );
  const notTheirs = await technician.request('GET', `/api/v1/sessions/${sessionId}/invitations`);
  assert.equal(notTheirs.status, 403, notTheirs.text);
  const withdrawn = await server.admin.request(
    'DELETE',
    `/api/v1/session-invitations/${watchInvitation.id}`,
  );
  assert.equal(withdrawn.status, 204, withdrawn.text);
  const removed = await watcher.closed;
  assert.equal(removed.code, 4403);
  assert.match(removed.reason, /admin withdrew your invitation/);
  terminal.type('echo "after-$((60 + 6))"\r');
  await controller.waitForOutput(/after-66/); // the session goes on without them

  // The technician leaving ends the session for everyone.
  await terminal.close();
  assert.match((await controller.closed).reason, /left|ended/);
  const audit = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  const actions: string[] = audit.entries.map((entry) => entry.action);
  for (const action of ['session.invited', 'session.guest_joined', 'session.guest_left'])
    assert.ok(actions.includes(action), `audited ${action}`);
});

test('an external one-time link admits its guest once', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  await terminal.waitForOutput(/\S/);
  const created = await invite(server.admin, terminal.session.session.id, {
    invitee: { type: 'external', name: 'Vendor support' },
    control: true,
  });
  assert.equal(created.status, 201, created.text);
  const { link } = created.json(CreateInvitationResponse);
  assert.ok(link, 'an external invitation has a link');
  const token = new URL(link).pathname.split('/').pop() ?? '';
  const stranger = server.client();
  const joined = await stranger.request('POST', '/api/v1/session-invitations/external', { token });
  assert.equal(joined.status, 200, joined.text);
  const guest = await joinTerminal(stranger, joined.json(JoinInvitationResponse).relay);
  guest.type('echo "vendor-$((6 * 11))"\r');
  await terminal.waitForOutput(/vendor-66/);

  const replay = await server
    .client()
    .request('POST', '/api/v1/session-invitations/external', { token });
  assert.equal(replay.status, 401, replay.text);
  assert.equal(replay.json(ErrorBody).code, 'TOKEN_INVALID');
  assert.match(replay.json(ErrorBody).message, /works once/);
  await terminal.close();
  await guest.closed;
  const ended = await server
    .client()
    .request('POST', '/api/v1/session-invitations/external', { token });
  assert.equal(ended.status, 401, ended.text);
});

test('a second technician is refused while the policy allows one; allowed when it allows concurrent sessions', async () => {
  const theirs = await openTerminal(technician, deviceId);
  const refused = await server.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
  });
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json(ErrorBody).code, 'CONFLICT');
  assert.match(refused.json(ErrorBody).message, /tech is in session with it/);
  assert.match(refused.json(ErrorBody).message, /invite you/);

  const policy = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Shared servers',
    settings: { sessions: { concurrent: true } },
  });
  assert.equal(policy.status, 201, policy.text);
  const policyId = policy.json(PolicyReply).policy.id;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policyId}/assignments`, {
    assignments: [{ type: 'device', deviceId }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  const admins = await openTerminal(server.admin, deviceId);
  admins.type('echo "both-$((7 * 6))"\r');
  await admins.waitForOutput(/both-42/);
  await admins.close();
  await theirs.close();
  await server.admin.request('PUT', `/api/v1/policies/${policyId}/assignments`, {
    assignments: [],
  });
  await waitFor('the sessions to end', () =>
    server.server.context.sessions.activeCount === 0 ? true : undefined,
  );
});
