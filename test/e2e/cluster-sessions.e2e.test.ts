import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { z } from 'zod';
import {
  AuditPage,
  ClusterNodesResponse,
  CreateSessionResponse,
  Policy,
  Recording,
  RecordingList,
  SessionList,
} from '@tether/protocol';
import {
  makeCertificate,
  makeCertificateFolders,
  sealWithOpenssl,
} from '../../packages/server/test/support/openssl-cms.js';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import {
  enrollThroughBalancer,
  startCluster,
  type ClusterNodeProcess,
  type TestCluster,
} from '../support/cluster.js';
import { filesOnSocket } from '../support/files-client.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { joinTerminal } from '../support/terminal-client.js';
import { openDesktop } from '../support/rfb-client.js';
import { startXDesktop, type XDesktop } from '../support/x-desktop.js';

// X-3's process-level session test: three node processes on one PostgreSQL and one NATS behind
// HAProxy. The agent's control channel is on node A (where the balancer put it), the
// technician's API and relay end on node B, and the session's relay node is where it was
// opened; the agent's relay end lands wherever the balancer sends it.
const AGENTS = 3;
const WAIT_MS = 120_000;
const PolicyReply = z.object({ policy: Policy });
const RecordingReply = z.object({ recording: Recording });

let cluster: TestCluster;
let sftp: SftpTestServer;
let desktop: XDesktop;
let work: string;
let fileRoot: string;
let inbox: string;
const agents: ReturnType<typeof startCli>[] = [];

async function nodeList(node: ClusterNodeProcess): Promise<ClusterNodesResponse> {
  const answer = await node.conf.request('GET', '/conf/api/cluster/nodes');
  assert.equal(answer.status, 200, answer.text);
  return answer.json(ClusterNodesResponse);
}

async function agentsOnLiveNodes(node: ClusterNodeProcess, alive: number): Promise<void> {
  await waitFor(
    `${AGENTS} agents on ${alive} live nodes`,
    async () => {
      const live = (await nodeList(node)).nodes.filter((each) => each.isAlive);
      const total = live.reduce((sum, each) => sum + each.agents, 0);
      return (live.length === alive && total === AGENTS) || undefined;
    },
    WAIT_MS,
  );
}

/** Each connected device and the node holding its control channel (`device_nodes`). */
async function deviceNodes(): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: cluster.postgres.url });
  await client.connect();
  try {
    const rows = await client.query<{ device_id: string; node_id: string }>(
      'SELECT device_id, node_id FROM device_nodes ORDER BY device_id',
    );
    return new Map(rows.rows.map((row) => [row.device_id, row.node_id]));
  } finally {
    await client.end();
  }
}

function node(id: string): ClusterNodeProcess {
  const found = cluster.nodes.find((each) => each.nodeId === id);
  assert.ok(found, id);
  return found;
}

async function openSession(
  on: ClusterNodeProcess,
  deviceId: string,
  body: Record<string, unknown>,
): Promise<CreateSessionResponse> {
  const response = await on.client.request('POST', '/api/v1/sessions', { deviceId, ...body });
  assert.equal(response.status, 201, response.text);
  return response.json(CreateSessionResponse);
}

async function endedSession(on: ClusterNodeProcess, deviceId: string, sessionId: string) {
  return waitFor(
    'the session to end',
    async () => {
      const list = (await on.client.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
        SessionList,
      );
      const found = list.sessions.find((candidate) => candidate.id === sessionId);
      return found?.state === 'ended' ? found : undefined;
    },
    WAIT_MS,
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

describe('sessions across three node processes behind HAProxy', () => {
  /** The device whose sessions are opened, the node with its control channel (A), and B, C. */
  let deviceId: string;
  let a: ClusterNodeProcess;
  let b: ClusterNodeProcess;
  let c: ClusterNodeProcess;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tether-cluster-sessions-'));
    fileRoot = join(work, 'shared');
    await mkdir(fileRoot);
    const folders = await makeCertificateFolders(join(work, 'ssl'));
    const certificate = await makeCertificate(folders, 'ClusterSFTP');
    sftp = await startSftpServer();
    desktop = await startXDesktop();
    inbox = await sftp.folder('cluster-inbox');
    cluster = await startCluster({
      count: 3,
      config: { storage: { ...folders, retryBaseSec: 0.3, retryMaxSec: 1.5 } },
    });
    const [first] = cluster.nodes;
    assert.ok(first);
    const dataDirs = Array.from({ length: AGENTS }, (_, index) => join(work, `agent-${index}`));
    await enrollThroughBalancer(cluster, { group: 'Cluster', dataDirs });
    for (const dataDir of dataDirs) {
      agents.push(
        startCli([
          ...['agent', 'run', '--data-dir', dataDir, '--file-root', fileRoot],
          ...['--vnc', `127.0.0.1:${desktop.vncPort}`, '--vnc-password-file', desktop.passwordFile],
        ]),
      );
    }
    await agentsOnLiveNodes(first, 3);

    // Recordings of the group's devices go to a real SFTP server, sealed to the nodes' certificate.
    const created = await first.client.request('POST', '/api/v1/policies', { name: 'Upload' });
    assert.equal(created.status, 201, created.text);
    const policy = created.json(PolicyReply).policy;
    const assigned = await first.client.request(
      'PUT',
      `/api/v1/policies/${policy.id}/assignments`,
      { assignments: [{ type: 'group', group: 'Cluster' }] },
    );
    assert.equal(assigned.status, 200, assigned.text);
    const credential = await sealWithOpenssl(certificate.certFile, `${sftp.password}\n`);
    const stored = await first.client.request('PUT', `/api/v1/policies/${policy.id}`, {
      name: policy.name,
      settings: {
        customStorage: {
          url: sftp.url(inbox),
          hostKey: sftp.hostKey,
          authentication: 'password',
          credential,
        },
      },
    });
    assert.equal(stored.status, 200, stored.text);

    const [held] = [...(await deviceNodes())];
    assert.ok(held, 'a connected device');
    deviceId = held[0];
    a = node(held[1]);
    const others = cluster.nodes.filter((each) => each !== a);
    [b, c] = others as [ClusterNodeProcess, ClusterNodeProcess];
  });

  after(async () => {
    await Promise.all(agents.map((agent) => stopProcess(agent)));
    await (cluster as TestCluster | undefined)?.stop();
    await (sftp as SftpTestServer | undefined)?.close();
    await (desktop as XDesktop | undefined)?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a terminal with the agent on A and the technician on B works both ways, is recorded once on B and uploaded once', async () => {
    const session = await openSession(b, deviceId, { kind: 'terminal', cols: 100, rows: 30 });
    const sessionId = session.session.id;
    const terminal = await joinTerminal(b.client, session.relay);
    terminal.type('echo "cluster-$((6 * 7))-terminal"\r');
    await terminal.waitForOutput(/cluster-42-terminal/);
    terminal.type('echo "again-$((2 + 3))"\r');
    await terminal.waitForOutput(/again-5/);
    assert.deepEqual(await terminal.close(), {
      code: 1000,
      reason: 'technician closed the terminal',
    });
    assert.ok((await endedSession(b, deviceId, sessionId)).startedAt, 'the session was active');

    const recordings = await waitFor(
      'the recording to complete',
      async () => {
        const list = (await c.client.request('GET', '/api/v1/recordings')).json(RecordingList);
        const found = list.recordings.filter((each) => each.sessionId === sessionId);
        return found.length > 0 && found.every((each) => each.state === 'complete')
          ? found
          : undefined;
      },
      WAIT_MS,
    );
    assert.equal(recordings.length, 1, 'one recording');
    const [recording] = recordings;
    assert.ok(recording);
    assert.deepEqual(await filesUnder(join(a.dataDir, 'recordings')), [], 'none on A');
    assert.deepEqual(await filesUnder(join(c.dataDir, 'recordings')), [], 'none on C');
    const onB = await filesUnder(join(b.dataDir, 'recordings'));
    assert.deepEqual(
      onB.map((name) => name.replace(/^[^.]+/, '')).sort(),
      ['.cast', '.cast.chain'],
      `one recording (and its hash chain) on the relay node B: ${onB.join(', ')}`,
    );
    // Played back from every node: the relay node B holds the file, A fetches it from B.
    const content = await b.client.request('GET', `/api/v1/recordings/${recording.id}/content`);
    assert.equal(content.status, 200, content.text);
    assert.match(content.text, /cluster-42-terminal/);
    const elsewhere = await a.client.request('GET', `/api/v1/recordings/${recording.id}/content`);
    assert.equal(elsewhere.status, 200, elsewhere.text);
    assert.equal(elsewhere.text, content.text);

    const upload = await waitFor(
      'the upload to be done',
      async () => {
        const answer = await c.client.request('GET', `/api/v1/recordings/${recording.id}`);
        const found = answer.json(RecordingReply).recording.upload;
        return found?.state === 'done' ? found : undefined;
      },
      WAIT_MS,
    );
    assert.equal(upload.attempts, 1, 'uploaded at the first attempt');
    assert.ok(upload.remotePath);
    assert.deepEqual(
      (await filesUnder(inbox)).sort(),
      [`${recording.id}.cast`, `${recording.id}.cast.chain`],
      'one copy on the target',
    );
    assert.match((await readFile(upload.remotePath)).toString('utf8'), /cluster-42-terminal/);
  });

  it('a file goes up to the agent on A and comes back byte for byte through B', async () => {
    const session = await openSession(b, deviceId, { kind: 'files' });
    const socket = b.client.websocket(`${session.relay.path}?token=${session.relay.token}`);
    const files = await filesOnSocket(socket);
    const source = join(work, 'payload.bin');
    const bytes = randomBytes(4 * 1024 * 1024 + 321);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(source, bytes);
    const uploaded = await files.upload({ from: source, to: join(fileRoot, 'payload.bin') });
    assert.ok(uploaded.type === 'done', JSON.stringify(uploaded));
    assert.equal(uploaded.sha256, sha256);
    const copy = join(work, 'copy.bin');
    const downloaded = await files.download({ from: join(fileRoot, 'payload.bin'), to: copy });
    assert.ok(downloaded.type === 'done', JSON.stringify(downloaded));
    assert.equal(
      createHash('sha256')
        .update(await readFile(copy))
        .digest('hex'),
      sha256,
    );
    await files.close();
    await endedSession(b, deviceId, session.session.id);
  });

  it('a desktop with the agent on A shows the screen and types from B, recorded once', async () => {
    const marker = join(work, `desktop-${randomUUID()}`);
    const technician = await openDesktop(b.client, deviceId);
    assert.equal(technician.width, 1024, 'the agent relayed ServerInit across nodes');
    await waitFor('screen updates', () => technician.receivedBytes() > 100_000 || undefined);
    technician.click(200, 150);
    technician.type(`touch ${marker}\n`);
    await waitFor('the typed command to run', () => existsSync(marker) || undefined, 30_000);
    assert.equal((await technician.close()).code, 1000);
    const sessionId = technician.session.session.id;
    const recording = await waitFor(
      'the desktop recording to complete',
      async () => {
        const list = (await b.client.request('GET', '/api/v1/recordings')).json(RecordingList);
        const found = list.recordings.filter((each) => each.sessionId === sessionId);
        return found.length === 1 && found[0]?.state === 'complete' ? found[0] : undefined;
      },
      WAIT_MS,
    );
    assert.equal(recording.format, 'tether-rfb-v1');
    assert.ok(recording.sizeBytes > 1024 * 768, 'at least one full screen was recorded');
  });

  it('kill -9 of the node carrying the technician’s end ends the session with a reason; agents come back and a new session works', async (t) => {
    // Relay node C; the technician's end on B, bridged to C.
    const session = await openSession(c, deviceId, { kind: 'terminal' });
    const terminal = await joinTerminal(b.client, session.relay);
    terminal.type('echo "before-$((1 + 1))"\r');
    await terminal.waitForOutput(/before-2/);
    const killedAt = Date.now();
    await cluster.kill(b);
    const closed = await terminal.closed;
    assert.notEqual(closed.code, 1000, 'the technician’s node is gone, not a clean close');
    const ended = await endedSession(c, deviceId, session.session.id);
    assert.ok(ended.endReason, 'the session ended with a reason');
    t.diagnostic(`ended after ${Date.now() - killedAt} ms: ${ended.endReason}`);

    await agentsOnLiveNodes(a, 2);
    const held = await deviceNodes();
    assert.equal(held.size, AGENTS);
    assert.ok(
      [...held.values()].every((id) => id !== b.nodeId),
      JSON.stringify([...held]),
    );
    t.diagnostic(`agents back after ${Date.now() - killedAt} ms: ${JSON.stringify([...held])}`);

    for (const [device, holder] of held) {
      const technician = holder === a.nodeId ? c : a;
      const again = await openSession(technician, device, { kind: 'terminal' });
      const next = await joinTerminal(technician.client, again.relay);
      next.type('echo "after-$((3 + 4))"\r');
      await next.waitForOutput(/after-7/);
      await next.close();
    }
  });
  it('kill -9 of the relay node closes the technician’s end with a reason and ends the session; a restarting node leaves the others’ sessions alone', async (t) => {
    // B is dead since the previous test. Relay node C, the technician's end on A, bridged to C.
    const session = await openSession(c, deviceId, { kind: 'terminal' });
    const terminal = await joinTerminal(a.client, session.relay);
    terminal.type('echo "relayed-$((4 + 4))"\r');
    await terminal.waitForOutput(/relayed-8/);
    const killedAt = Date.now();
    await cluster.kill(c);
    const closed = await terminal.closed;
    assert.notEqual(closed.code, 1000);
    assert.match(closed.reason, /node-\d/, `the console shows why: ${JSON.stringify(closed)}`);
    const ended = await endedSession(a, deviceId, session.session.id);
    assert.match(ended.endReason ?? '', /relaying this session stopped/);
    const audit = (await a.client.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
    assert.deepEqual(
      audit.entries
        .filter((entry) => entry.details.sessionId === session.session.id)
        .filter((entry) => entry.action === 'session.ended')
        .map((entry) => entry.actor),
      ['system'],
      'the sweep audits the end once',
    );
    t.diagnostic(`relay node killed: session ended after ${Date.now() - killedAt} ms`);
    await agentsOnLiveNodes(a, 1);

    // A session relayed by A stays open while C starts again (its recovery is its own).
    const kept = await openSession(a, deviceId, { kind: 'terminal' });
    const live = await joinTerminal(a.client, kept.relay);
    live.type('echo "kept-$((5 + 5))"\r');
    await live.waitForOutput(/kept-10/);
    await cluster.restart(c);
    await waitFor(
      'C alive again',
      async () =>
        (await nodeList(a)).nodes.find((each) => each.id === c.nodeId)?.isAlive || undefined,
      WAIT_MS,
    );
    live.type('echo "still-$((6 + 5))"\r');
    await live.waitForOutput(/still-11/);
    const list = (await a.client.request('GET', `/api/v1/sessions?deviceId=${deviceId}`)).json(
      SessionList,
    );
    assert.equal(list.sessions.find((each) => each.id === kept.session.id)?.state, 'active');
    await live.close();
    const interrupted = await waitFor(
      'the killed session’s recording closed by its node',
      async () => {
        const recordings = (await c.client.request('GET', '/api/v1/recordings')).json(
          RecordingList,
        );
        const found = recordings.recordings.find((each) => each.sessionId === session.session.id);
        return found?.state === 'interrupted' ? found : undefined;
      },
      WAIT_MS,
    );
    assert.ok(interrupted.durationMs > 0, JSON.stringify(interrupted));
  });
});
