import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateSessionResponse,
  DeviceReply,
  Policy,
  SessionList,
  type ServerMessage,
} from '@tether/protocol';
import { createControlUrl, decryptDeviceKey } from '@tether/sdk/node';
import { z } from 'zod';
import { runCli, waitFor } from '../support/cli.js';
import { openDeviceEvents } from '../support/device-events.js';
import type { HttpResponse } from '../support/https-client.js';
import { createTenant, createTokenClient, joinByTicket, readRollout } from '../support/oem.js';
import type { TestServer } from '../support/test-server.js';
import { joinTerminal, openTerminal, type RelayTerminal } from '../support/terminal-client.js';
import { startTwoNodes, type TwoNodes } from '../support/two-nodes.js';
import { unattendedCalls } from '../support/unattended.js';

// Cluster mode, control plane: the agent is connected to node A, the technician uses
// node B; what B asks reaches the agent through A and the agent's answers come back to B. And
// one-time secrets (relay token, OEM control URL, unattended password) used on both nodes at the
// same moment: exactly one use succeeds.

const PolicyReply = z.object({ policy: Policy });
const SessionReply = z.object({
  session: z.looseObject({ awaitingConsentUntil: z.string().nullable() }),
});

let nodes: TwoNodes;
let agent: Awaited<ReturnType<TestServer['startAgent']>>;

before(async () => {
  nodes = await startTwoNodes();
  agent = await nodes.a.startAgent({ args: ['--user-presence', 'present'] });
});
after(async () => nodes.close());

const deviceOn = async (node: TestServer, deviceId: string) =>
  (await node.admin.request('GET', `/api/v1/devices/${deviceId}`)).json(DeviceReply).device;

/** Records what node A sends to the agent of `deviceId` (its own control channel). */
function spyOnA(deviceId: string): ServerMessage[] {
  const link = nodes.a.server.context.presence.local(deviceId);
  assert.ok(link, 'node A holds the agent');
  const sent: ServerMessage[] = [];
  const send = link.send.bind(link);
  link.send = (message) => {
    sent.push(message);
    send(message);
  };
  return sent;
}

test('an agent connected to node A is online on node B, with what it can do', async () => {
  const { id } = agent.device;
  assert.equal(nodes.b.server.context.presence.local(id), undefined, 'B holds no link of its own');
  // Its user presence (reported by the agent after it connected) comes along too.
  const onB = await waitFor('the device online on B with its user', async () => {
    const device = await deviceOn(nodes.b, id);
    return device.online && device.userPresence ? device : undefined;
  });
  assert.deepEqual(onB.userPresence, (await deviceOn(nodes.a, id)).userPresence);
  const listed = await nodes.b.admin.request('GET', '/api/v1/devices?online=true');
  assert.match(listed.text, new RegExp(id));
});

test('a settings change made on node B reaches the agent on node A', async () => {
  const sent = spyOnA(agent.device.id);
  const changed = await nodes.b.admin.request('PUT', '/api/v1/settings/statistics', {
    intervalSec: 45,
    enabled: ['cpu'],
  });
  assert.equal(changed.status, 200, changed.text);
  const settings = await waitFor('the settings at the agent', () =>
    sent.flatMap((message) => (message.type === 'settings' ? [message.settings] : [])).at(0),
  );
  assert.equal(settings.statistics.intervalSec, 45);
});

test('a policy made on node B asks for consent: the offer reaches the agent on A, its answers come back to B', async () => {
  const { id } = agent.device;
  const created = await nodes.b.admin.request('POST', '/api/v1/policies', {
    name: 'Ask first (cluster)',
    settings: { assistance: { modes: { interactive: ['terminal'] } } },
  });
  assert.equal(created.status, 201, created.text);
  const policy = created.json(PolicyReply).policy;
  const assigned = await nodes.b.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'device', deviceId: id }],
  });
  assert.equal(assigned.status, 200, assigned.text);
  try {
    const terminal = await openTerminal(nodes.b.admin, id);
    const sessionId = terminal.session.session.id;
    const prompts = (...args: string[]) =>
      runCli(['agent', 'prompts', ...args, '--data-dir', agent.dataDir]);
    await waitFor('the consent prompt at the device', async () => {
      const listed = await prompts('list');
      return listed.stdout.split('\n').find((line) => line.startsWith(sessionId));
    });
    // The agent's "asking the user" came back to B, which shows it on the session.
    const waiting = await waitFor('B to know the agent is asking', async () => {
      const { session } = (
        await nodes.b.admin.request('GET', `/api/v1/sessions/${sessionId}`)
      ).json(SessionReply);
      return session.awaitingConsentUntil ?? undefined;
    });
    assert.ok(Date.parse(waiting) > Date.now());
    const denied = await prompts('deny', sessionId);
    assert.equal(denied.code, 0, denied.stderr);
    const closed = await terminal.closed;
    assert.match(closed.reason, /declined the request for a terminal session/);
    const ended = await waitFor('the session ended on B', async () =>
      (await nodes.b.admin.request('GET', `/api/v1/sessions?deviceId=${id}`))
        .json(SessionList)
        .sessions.find((session) => session.id === sessionId && session.state === 'ended'),
    );
    assert.match(ended.endReason ?? '', /declined/);
  } finally {
    await nodes.b.admin.request('DELETE', `/api/v1/policies/${policy.id}`);
  }
});

test('unattended access turned on from node B: the agent on A confirms it to B', async () => {
  const { createAccess, deviceView } = unattendedCalls(() => nodes.b.admin);
  const sent = spyOnA(agent.device.id);
  const access = await createAccess(agent.device.id);
  assert.ok(access.password);
  assert.ok(sent.some((message) => message.type === 'unattended.enable'));
  const device = await deviceView(agent.device.id);
  assert.equal(device.unattendedAccess?.id, access.access.id);
});

/** A tenant made on node B, and a device key it asks of the agent on A for unattended control. */
async function deviceKeyFromB(tenantName: string) {
  const tenant = await createTenant(nodes.b, tenantName, ['Test devices']);
  const { oem } = await createTokenClient(nodes.b, tenant.id);
  const rollout = await readRollout(agent.dataDir);
  const created = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['unattended'],
  });
  return { tenant, oem, rollout, created };
}

test('an integration API call on node B is answered by the agent on node A', async () => {
  // The device key is made by the agent: B's request goes to it through A, its answer back.
  const { created } = await deviceKeyFromB('Cluster RMM');
  assert.ok(created.deviceKeyId);
  assert.match(created.encryptedDeviceKey, /\S/);
});

test('the live device list on node B sees an agent of node A go offline', async () => {
  const second = await nodes.a.startAgent();
  await waitFor('the second device online on B', async () =>
    (await deviceOn(nodes.b, second.device.id)).online ? true : undefined,
  );
  const stream = await openDeviceEvents(nodes.b);
  try {
    await second.stop();
    await waitFor('the offline event on B', () =>
      stream.devices().find((device) => device.id === second.device.id && !device.online),
    );
  } finally {
    stream.close();
  }
});

// One-time secrets used on A and on B at the same moment, through each node's own listener: exactly
// one use succeeds (the store-level race is in packages/server/test/shared-state-nodes.test.ts).

/** Whether a relay end reaches the shell ('works') or is closed on the technician (its reason). */
async function fate(end: RelayTerminal, marker: string): Promise<string> {
  let closedWith: string | undefined;
  void end.closed.then((closed) => (closedWith = closed.reason));
  end.type(`echo ${marker}-$((6*7))\r`);
  // One wait for either outcome: a wait for output left behind would hold the file for 60 s.
  return waitFor('the relay end to work or close', () =>
    end.output().includes(`${marker}-42`) ? 'works' : closedWith,
  );
}

/** Ends the device's sessions, so the next test may open one (one technician per device). */
async function endSessions(): Promise<void> {
  // On both: a session relays on the node it was opened on (the OEM race may be won on B).
  await Promise.all(
    [nodes.a, nodes.b].map((node) => node.server.context.sessions.endAll('test over')),
  );
}

test('a relay token used on A and on B at the same moment joins exactly one end', async () => {
  const opened = await nodes.a.admin.request('POST', '/api/v1/sessions', {
    deviceId: agent.device.id,
    kind: 'terminal',
  });
  assert.equal(opened.status, 201, opened.text);
  const { relay } = opened.json(CreateSessionResponse);
  const ends = await Promise.allSettled([
    joinTerminal(nodes.a.admin, relay),
    joinTerminal(nodes.b.admin, relay),
  ]);
  const fates = await Promise.all(
    ends.map(async (end, index) =>
      end.status === 'fulfilled' ? fate(end.value, `token${index}`) : 'refused at upgrade',
    ),
  );
  assert.equal(fates.filter((outcome) => outcome === 'works').length, 1, fates.join(' / '));
  assert.match(fates.find((outcome) => outcome !== 'works') ?? '', /token|refused/i);
  await endSessions();
});

test('an OEM control URL opened on A and on B at the same moment opens exactly one session', async () => {
  const { tenant, oem, rollout, created } = await deviceKeyFromB('Race RMM');
  const url = new URL(
    await createControlUrl({
      oem,
      tenantId: tenant.id,
      remoteControlId: rollout.remoteControlId,
      deviceKeyId: created.deviceKeyId,
      deviceKey: decryptDeviceKey(created.encryptedDeviceKey, rollout.rolloutKey),
      controlType: 'unattended',
    }),
  );
  const path = `${url.pathname}${url.search}`;
  const [browserA, browserB] = [nodes.a.client(), nodes.b.client()];
  const [onA, onB] = await Promise.all([
    browserA.request('GET', path),
    browserB.request('GET', path),
  ]);
  const statuses = [onA.status, onB.status].sort();
  assert.deepEqual(statuses, [302, 403], `${onA.text} / ${onB.text}`);
  // The one that won opens a working terminal.
  const [browser, won] = onA.status === 302 ? [browserA, onA] : [browserB, onB];
  const terminal = await joinByTicket(browser, String(won.headers.location));
  assert.equal(await fate(terminal, 'oem'), 'works');
  await endSessions();
});

test('an unattended password used on A and on B at the same moment connects exactly one technician', async () => {
  // Two technicians (one access is held by one technician at a time), one on each node.
  const created = await nodes.b.admin.request('POST', '/api/v1/users', {
    username: 'race-b',
    password: 'race-b-password-1',
    role: 'administrator',
    mustChangePassword: false,
  });
  assert.equal(created.status, 201, created.text);
  const second = nodes.b.client();
  const login = await second.request('POST', '/api/v1/auth/login', {
    username: 'race-b',
    password: 'race-b-password-1',
  });
  assert.equal(login.status, 200, login.text);
  const onA = unattendedCalls(() => nodes.a.admin);
  const onB = unattendedCalls(() => second);
  const access = await onA.createAccess(agent.device.id, { replace: true });
  const answers: HttpResponse[] = await Promise.all([
    onA.connect(access.access.id, access.password),
    onB.connect(access.access.id, access.password),
  ]);
  const said = answers.map((answer) => `${answer.status} ${answer.text}`).join(' / ');
  assert.equal(answers.filter((answer) => answer.status === 201).length, 1, said);
  assert.ok(
    answers.some((answer) => answer.status === 409 && /one technician at a time/.test(answer.text)),
    said,
  );
  await endSessions();
});

test('node A stops: node B shows its agent offline', async () => {
  const { id } = agent.device;
  await nodes.stopA();
  await waitFor('the device offline on B', async () =>
    (await deviceOn(nodes.b, id)).online ? undefined : true,
  );
  assert.equal(nodes.b.server.context.presence.isOnline(id), false);
});
