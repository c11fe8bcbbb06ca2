import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import {
  CreateSessionResponse,
  RecordingList,
  ServerKeyList,
  ServerKeyRotated,
  SessionList,
} from '@tether/protocol';
import { makeCertificate } from '@tether/server/test-certificates';
import { waitFor } from '../support/cli.js';
import { filesOnSocket } from '../support/files-client.js';
import { HttpsClient } from '../support/https-client.js';
import { joinTerminal } from '../support/terminal-client.js';
import type { TestServer } from '../support/test-server.js';
import { startTwoNodes, type TwoNodes } from '../support/two-nodes.js';

// Sessions across nodes: the session is opened on node A, where the agent's control
// channel is; the technician's relay end lands on node B, which bridges it to A.
let nodes: TwoNodes;
let deviceId: string;
let work: string;
let root: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tether-cluster-relay-'));
  root = join(work, 'shared');
  await mkdir(root);
  nodes = await startTwoNodes();
  deviceId = (await nodes.a.startAgent({ args: ['--file-root', root] })).device.id;
});
after(async () => {
  await nodes.close();
  await rm(work, { recursive: true, force: true });
});

/** Opens a session on A; its relay end is for whichever node the caller connects to. */
async function openOnA(body: Record<string, unknown>): Promise<CreateSessionResponse> {
  const response = await nodes.a.admin.request('POST', '/api/v1/sessions', { deviceId, ...body });
  assert.equal(response.status, 201, response.text);
  return response.json(CreateSessionResponse);
}

async function endedSession(client: HttpsClient, sessionId: string) {
  return waitFor('the session to end', async () => {
    const list = (await client.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    const found = list.sessions.find((candidate) => candidate.id === sessionId);
    return found?.state === 'ended' ? found : undefined;
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

test('a terminal opened on A works both ways from B, relayed and recorded once on A', async () => {
  const session = await openOnA({ kind: 'terminal', cols: 100, rows: 30 });
  const sessionId = session.session.id;
  assert.equal(await nodes.a.server.context.store.sessions.relayNodeOf(sessionId), 'node-a');
  const terminal = await joinTerminal(nodes.b.admin, session.relay);
  terminal.type('echo "cross-$((6 * 7))-node"\r');
  await terminal.waitForOutput(/cross-42-node/);
  terminal.type('echo "second-$((2 + 3))"\r');
  await terminal.waitForOutput(/second-5/);
  assert.deepEqual(await terminal.close(), {
    code: 1000,
    reason: 'technician closed the terminal',
  });
  const ended = await endedSession(nodes.b.admin, sessionId);
  assert.ok(ended.startedAt, 'the session was active');

  const recordings = await waitFor('the recording to complete', async () => {
    const list = (await nodes.a.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.filter((candidate) => candidate.sessionId === sessionId);
    return found.every((each) => each.state === 'complete') && found.length > 0 ? found : undefined;
  });
  assert.equal(recordings.length, 1, 'one recording');
  const content = await nodes.a.admin.request(
    'GET',
    `/api/v1/recordings/${recordings[0]?.id ?? ''}/content`,
  );
  assert.match(content.text, /cross-42-node/);
  assert.deepEqual(await filesUnder(join(nodes.b.dataDir, 'recordings')), [], 'none on B');
  // Played from B as well: B asks A, which holds the file, for the same content.
  const fromB = await nodes.b.admin.request(
    'GET',
    `/api/v1/recordings/${recordings[0]?.id ?? ''}/content`,
  );
  assert.equal(fromB.status, 200, fromB.text);
  assert.equal(fromB.text, content.text);
  assert.equal(fromB.headers['x-recording-intact'], 'true');
  assert.match(String(fromB.headers['content-disposition']), /\.cast"$/);
  // Nodes ask each other with a signed request; anyone else is refused.
  const direct = await nodes.b.admin.request(
    'GET',
    `/cluster/v1/recordings/${recordings[0]?.id ?? ''}/content`,
  );
  assert.equal(direct.status, 403, direct.text);
});

test('a file goes up and comes back byte for byte through B', async () => {
  const session = await openOnA({ kind: 'files' });
  const socket = nodes.b.admin.websocket(`${session.relay.path}?token=${session.relay.token}`);
  const files = await filesOnSocket(socket);
  const source = join(work, 'payload.bin');
  const bytes = randomBytes(6 * 1024 * 1024 + 123);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(source, bytes);
  const uploaded = await files.upload({ from: source, to: join(root, 'payload.bin') });
  assert.ok(uploaded.type === 'done', JSON.stringify(uploaded));
  assert.equal(uploaded.sha256, sha256);
  const copy = join(work, 'copy.bin');
  const downloaded = await files.download({ from: join(root, 'payload.bin'), to: copy });
  assert.ok(downloaded.type === 'done', JSON.stringify(downloaded));
  assert.equal(
    createHash('sha256')
      .update(await readFile(copy))
      .digest('hex'),
    sha256,
  );
  await files.close();
  await endedSession(nodes.a.admin, session.session.id);
});

test('a relay token for A refused on the relay node is refused on B with its reason', async () => {
  const session = await openOnA({ kind: 'terminal' });
  const terminal = await joinTerminal(nodes.b.admin, {
    path: session.relay.path,
    token: 'not-the-token',
  });
  assert.match((await terminal.closed).reason, /relay token is not valid/);
  await nodes.a.server.context.sessions.end(session.session.id, 'test over');
});

test('a certificate uploaded on A is served by B too, and sessions still cross the nodes', async () => {
  const authority = makeCertificate({ commonName: 'Cluster test CA', isCa: true });
  const replacement = makeCertificate({ issuer: authority });
  const trusting = (node: TestServer, origin: string): HttpsClient => {
    const client = new HttpsClient(origin, node.ca + authority.cert);
    client.cookie = node.admin.cookie;
    return client;
  };
  const conf = trusting(nodes.a, new URL(nodes.a.adminUrl).origin);
  const saved = await conf.request('PUT', '/conf/api/tls', {
    certificate: { source: 'pem', certificate: replacement.cert, key: replacement.key },
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(await presentedFingerprint(nodes.a.url), replacement.fingerprint);
  // B takes it from the shared settings at its next look (every 5 s).
  await waitFor(
    'node B to serve the uploaded certificate',
    async () =>
      (await presentedFingerprint(nodes.b.url)) === replacement.fingerprint ? true : undefined,
    30_000,
  );
  const session = (
    await trusting(nodes.a, nodes.a.url).request('POST', '/api/v1/sessions', {
      deviceId,
      kind: 'terminal',
    })
  ).json(CreateSessionResponse);
  const terminal = await joinTerminal(trusting(nodes.b, nodes.b.url), session.relay);
  terminal.type('echo "renewed-$((40 + 2))"\r');
  await terminal.waitForOutput(/renewed-42/);
  await terminal.close();
  // Back to the generated certificate on A: B goes back to it too.
  assert.equal(nodes.b.server.context.tls.fingerprint, replacement.fingerprint);
  const reverted = await conf.request('PUT', '/conf/api/tls', {
    certificate: { source: 'generated' },
  });
  assert.equal(reverted.status, 200, reverted.text);
  const generated = nodes.a.server.context.tls.fingerprint;
  assert.notEqual(generated, replacement.fingerprint);
  await waitFor(
    'node B to serve the generated certificate again',
    async () => ((await presentedFingerprint(nodes.b.url)) === generated ? true : undefined),
    30_000,
  );
});

test('a server key rotated on A is the current key on B too, and sessions still cross the nodes', async () => {
  const confOf = (node: TestServer): HttpsClient => {
    const client = new HttpsClient(new URL(node.adminUrl).origin, node.ca);
    client.cookie = node.admin.cookie;
    return client;
  };
  const rotated = await confOf(nodes.a).request('POST', '/conf/api/keys/rotate', {});
  assert.equal(rotated.status, 201, rotated.text);
  const current = rotated.json(ServerKeyRotated).key.fingerprint;
  const keysOnB = await waitFor(
    'node B to sign with the rotated key',
    async () => {
      const list = (await confOf(nodes.b).request('GET', '/conf/api/keys')).json(ServerKeyList);
      return list.keys.find((key) => key.status === 'current')?.fingerprint === current
        ? list.keys
        : undefined;
    },
    30_000,
  );
  assert.deepEqual(
    keysOnB.map((key) => key.status),
    ['previous', 'current'],
  );
  const session = await openOnA({ kind: 'terminal' });
  const terminal = await joinTerminal(nodes.b.admin, session.relay);
  terminal.type('echo "rotated-$((40 + 2))"\r');
  await terminal.waitForOutput(/rotated-42/);
  await terminal.close();
});

test('B stopping mid-session closes its end with a reason, and A ends the session with it', async () => {
  const session = await openOnA({ kind: 'terminal' });
  const terminal = await joinTerminal(nodes.b.admin, session.relay);
  terminal.type('echo "before-$((1 + 1))"\r');
  await terminal.waitForOutput(/before-2/);
  await nodes.b.close();
  const closed = await terminal.closed;
  assert.equal(closed.code, 1001);
  assert.equal(closed.reason, 'The server node carrying this connection is shutting down.');
  const ended = await endedSession(nodes.a.admin, session.session.id);
  assert.equal(ended.endReason, 'The server node carrying this connection is shutting down.');
});

/** The fingerprint of the certificate a new TLS connection to `url` is served. */
function presentedFingerprint(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: Number(new URL(url).port),
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0);
      resolve(createHash('sha256').update(raw).digest('base64url'));
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
