import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditPage, ErrorBody, SessionList } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openTerminal } from '../support/terminal-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let deviceId: string;

before(async () => {
  server = await createTestServer({ config: { sessions: { maxLifetimeSec: 120 } } });
  deviceId = (await server.startAgent()).device.id;
});
after(async () => server.close());

test('viewOnly is refused for session kinds that cannot honour it, and nothing starts', async () => {
  for (const kind of ['terminal', 'files']) {
    const refused = await server.admin.request('POST', '/api/v1/sessions', {
      deviceId,
      kind,
      viewOnly: true,
    });
    assert.equal(refused.status, 422, refused.text); // INVALID_INPUT, as every bad body
    const error = refused.json(ErrorBody);
    assert.equal(error.code, 'INVALID_INPUT');
    assert.match(error.message, /viewOnly is not valid \(only desktop sessions can be view-only/);
  }
  // Unattended connections too, before the one-time password is even looked at.
  const unattended = await server.admin.request('POST', '/api/v1/unattended/connect', {
    accessId: '123456789',
    password: 'not-looked-at',
    kind: 'terminal',
    viewOnly: true,
  });
  assert.equal(unattended.status, 422, unattended.text);
  assert.match(unattended.json(ErrorBody).message, /only desktop sessions can be view-only/);
  const sessions = (
    await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)
  ).json(SessionList);
  assert.equal(sessions.sessions.length, 0, 'no session was created');
});

test('a session is ended at its absolute lifetime on both ends, with the reason, audited', async () => {
  const terminal = await openTerminal(server.admin, deviceId);
  terminal.type('echo "still-$((40 + 2))"\r');
  await terminal.waitForOutput(/still-42/);
  server.clock.advance(121_000);
  const closed = await terminal.closed;
  assert.equal(closed.code, 4410);
  assert.match(closed.reason, /maximum length of 2 min/);

  const session = await waitFor('the session to be recorded as ended', async () => {
    const list = (await server.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    const found = list.sessions.find((one) => one.id === terminal.session.session.id);
    return found?.state === 'ended' ? found : undefined;
  });
  assert.match(session.endReason ?? '', /maximum length of 2 min; open a new session/);
  const audit = (
    await server.admin.request('GET', '/api/v1/audit?action=session.lifetime_reached')
  ).json(AuditPage);
  assert.equal(audit.entries[0]?.details.sessionId, session.id);

  // The agent's end was closed too: it accepts a new session at once.
  const next = await openTerminal(server.admin, deviceId);
  next.type('echo "next-$((6 * 7))"\r');
  await next.waitForOutput(/next-42/);
  await next.close();
});
