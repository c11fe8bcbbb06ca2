import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateSessionResponse, ErrorBody, RecordingList, SessionList } from '@tether/protocol';
import { joinTerminal } from '../support/terminal-client.js';
import { startTwoNodes, type TwoNodes } from '../support/two-nodes.js';

// The same bridge as cluster-relay.e2e.test.ts, over the cluster bus instead of a direct link
// (`cluster.relayBridge: bus`; the NATS URL is never dialled: the nodes share an in-process bus).
let nodes: TwoNodes;
let deviceId: string;

before(async () => {
  nodes = await startTwoNodes({
    config: { cluster: { nats: 'nats://127.0.0.1:4222', relayBridge: 'bus' } },
  });
  deviceId = (await nodes.a.startAgent()).device.id;
});
after(async () => nodes.close());

test('over the bus, a terminal opened on A works from B, and A stopping closes B’s end with a reason', async () => {
  const response = await nodes.a.admin.request('POST', '/api/v1/sessions', {
    deviceId,
    kind: 'terminal',
  });
  assert.equal(response.status, 201, response.text);
  const session = response.json(CreateSessionResponse);
  const terminal = await joinTerminal(nodes.b.admin, session.relay);
  terminal.type('echo "bus-$((6 * 7))"\r');
  await terminal.waitForOutput(/bus-42/);
  // The relay node goes away (its agents not stopped first): the technician's end on B is
  // told why, B itself stays up.
  await nodes.a.server.close();
  assert.deepEqual(await terminal.closed, { code: 1001, reason: 'The server is shutting down.' });
  const list = (await nodes.b.admin.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
    SessionList,
  );
  const ended = list.sessions.find((candidate) => candidate.id === session.session.id);
  assert.equal(ended?.endReason, 'The server is shutting down.');
  // Its recording stays on A's disk: B says where it is and when it can be played.
  const recordings = (await nodes.b.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
  const recording = recordings.recordings.find((each) => each.sessionId === session.session.id);
  assert.ok(recording, 'the recording is listed on B');
  const content = await nodes.b.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  assert.equal(content.status, 404, content.text);
  assert.match(
    content.json(ErrorBody).message,
    /on the cluster node node-a .* once that node runs again/,
  );
});
