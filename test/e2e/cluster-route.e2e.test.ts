import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DeviceReply, Policy, SessionList, type ServerMessage } from '@tether/protocol';
import { z } from 'zod';
import { runCli, waitFor } from '../support/cli.js';
import { openDeviceEvents } from '../support/device-events.js';
import { createTenant, createTokenClient, readRollout } from '../support/oem.js';
import type { TestServer } from '../support/test-server.js';
import { openTerminal } from '../support/terminal-client.js';
import { startTwoNodes, type TwoNodes } from '../support/two-nodes.js';
import { unattendedCalls } from '../support/unattended.js';

// Cluster mode, control plane: the agent is connected to node A, the technician uses
// node B; what B asks reaches the agent through A and the agent's answers come back to B.

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

test('an integration API call on node B is answered by the agent on node A', async () => {
  const tenant = await createTenant(nodes.b, 'Cluster RMM', ['Test devices']);
  const { oem } = await createTokenClient(nodes.b, tenant.id);
  const rollout = await readRollout(agent.dataDir);
  // The device key is made by the agent: B's request goes to it through A, its answer back.
  const created = await oem.createDeviceKey({
    tenantId: tenant.id,
    rollout,
    keyPermissions: ['unattended'],
  });
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

test('node A stops: node B shows its agent offline', async () => {
  const { id } = agent.device;
  await nodes.stopA();
  await waitFor('the device offline on B', async () =>
    (await deviceOn(nodes.b, id)).online ? undefined : true,
  );
  assert.equal(nodes.b.server.context.presence.isOnline(id), false);
});
