import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AuditPage,
  ClusterNodesResponse,
  DeviceList,
  Policy,
  Recording,
  RecordingList,
  type RecordingUpload,
} from '@tether/protocol';
import { z } from 'zod';
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
import type { HttpsClient } from '../support/https-client.js';
import { startSftpServer, type SftpTestServer } from '../support/sftp-server.js';
import { openTerminal } from '../support/terminal-client.js';

const AGENTS = 4;
const GROUP = 'Rolling';
/** Generous: a loaded machine restarts a node and reconnects its agents slowly. */
const WAIT_MS = 120_000;
const PolicyReply = z.object({ policy: Policy });
const RecordingReply = z.object({ recording: Recording });

async function devices(client: HttpsClient): Promise<DeviceList['devices']> {
  const answer = await client.request('GET', '/api/v1/devices');
  assert.equal(answer.status, 200, answer.text);
  return answer.json(DeviceList).devices;
}

/** Resolves once the node behind `client` sees every agent online. */
function allOnline(client: HttpsClient, what: string): Promise<true> {
  return waitFor(
    `${AGENTS} agents online ${what}`,
    async () => {
      const list = await devices(client);
      return (list.length === AGENTS && list.every((device) => device.online)) || undefined;
    },
    WAIT_MS,
  );
}

function aliveNodes(node: ClusterNodeProcess, count: number): Promise<true> {
  return waitFor(
    `${count} live nodes`,
    async () => {
      const answer = await node.conf.request('GET', '/conf/api/cluster/nodes');
      if (answer.status !== 200) return undefined;
      const { nodes } = answer.json(ClusterNodesResponse);
      return nodes.filter((each) => each.isAlive).length === count || undefined;
    },
    WAIT_MS,
  );
}

async function uploadOf(client: HttpsClient, recordingId: string): Promise<RecordingUpload> {
  const answer = await client.request('GET', `/api/v1/recordings/${recordingId}`);
  assert.equal(answer.status, 200, answer.text);
  const { upload } = answer.json(RecordingReply).recording;
  assert.ok(upload, 'the recording has an upload');
  return upload;
}

describe('cluster mode: a rolling restart of three nodes behind HAProxy', () => {
  let cluster: TestCluster;
  let sftp: SftpTestServer;
  let root: string;
  const agents: ReturnType<typeof startCli>[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tether-rolling-'));
    const folders = await makeCertificateFolders(join(root, 'ssl'));
    sftp = await startSftpServer();
    cluster = await startCluster({
      count: 3,
      config: { storage: { ...folders, retryBaseSec: 0.3, retryMaxSec: 1.5 } },
    });
    const [first] = cluster.nodes;
    assert.ok(first);
    const dataDirs = Array.from({ length: AGENTS }, (_, index) => join(root, `agent-${index}`));
    await enrollThroughBalancer(cluster, { group: GROUP, dataDirs });
    for (const dataDir of dataDirs)
      agents.push(startCli(['agent', 'run', '--data-dir', dataDir, '--log-level', 'warn']));
    // The policy sends the group's recordings to the SFTP target.
    const certificate = await makeCertificate(folders, 'RollingSFTP');
    const created = await first.client.request('POST', '/api/v1/policies', { name: 'Upload' });
    assert.equal(created.status, 201, created.text);
    const { policy } = created.json(PolicyReply);
    const assigned = await first.client.request(
      'PUT',
      `/api/v1/policies/${policy.id}/assignments`,
      { assignments: [{ type: 'group', group: GROUP }] },
    );
    assert.equal(assigned.status, 200, assigned.text);
    const inbox = await sftp.folder('rolling');
    const updated = await first.client.request('PUT', `/api/v1/policies/${policy.id}`, {
      name: policy.name,
      settings: {
        customStorage: {
          url: sftp.url(inbox),
          hostKey: sftp.hostKey,
          authentication: 'password',
          credential: await sealWithOpenssl(certificate.certFile, sftp.password),
        },
      },
    });
    assert.equal(updated.status, 200, updated.text);
  });

  after(async () => {
    await Promise.all(agents.map((agent) => stopProcess(agent)));
    await (cluster as TestCluster | undefined)?.stop();
    await (sftp as SftpTestServer | undefined)?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('loses no agent and delivers the upload queued meanwhile exactly once', async (t) => {
    const [first] = cluster.nodes;
    assert.ok(first);
    await allOnline(first.client, 'before the restart');
    const [device] = await devices(first.client);
    assert.ok(device);

    // A recording whose target is down: its upload waits in the queue.
    await sftp.stop();
    const terminal = await openTerminal(first.client, device.id);
    terminal.type('echo "rolling-$((40 + 2))"\r');
    await terminal.waitForOutput(/rolling-42/, 30_000);
    await terminal.close();
    const sessionId = terminal.session.session.id;
    const recording = await waitFor(
      'the recording to complete',
      async () => {
        const list = (await first.client.request('GET', '/api/v1/recordings')).json(RecordingList);
        const found = list.recordings.find((candidate) => candidate.sessionId === sessionId);
        return found?.state === 'complete' ? found : undefined;
      },
      WAIT_MS,
    );
    await waitFor(
      'the upload to fail (target down)',
      async () => (await uploadOf(first.client, recording.id)).state === 'failed' || undefined,
      WAIT_MS,
    );

    // Every failure the upload meets on the way: only "target down", never a node without the file.
    const errors = new Set<string>();
    const watching = { isOn: true };
    const watch = (async () => {
      while (watching.isOn) {
        const running = cluster.nodes.find((node) => node.isRunning);
        const upload = await (running &&
          uploadOf(running.client, recording.id).catch(() => undefined));
        if (upload?.lastError) errors.add(upload.lastError.replace(/\d+/g, 'N'));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    for (const node of cluster.nodes) {
      const startedAt = Date.now();
      await cluster.terminate(node);
      await cluster.restart(node);
      await aliveNodes(node, 3);
      await allOnline(node.client, `after ${node.nodeId} restarted`);
      t.diagnostic(`${node.nodeId}: restarted, all agents online in ${Date.now() - startedAt} ms`);
    }

    await sftp.start();
    const done = await waitFor(
      'the upload to be done',
      async () => {
        const upload = await uploadOf(first.client, recording.id);
        return upload.state === 'done' ? upload : undefined;
      },
      WAIT_MS,
    );
    watching.isOn = false;
    await watch;
    t.diagnostic(
      `upload done after ${done.attempts} attempts; errors seen: ${JSON.stringify([...errors])}`,
    );
    assert.ok(
      [...errors].every((error) => /Cannot connect to sftp:/.test(error)),
      JSON.stringify([...errors]),
    );
    assert.ok(done.remotePath);
    const delivered = await stat(done.remotePath);
    // Exactly once: no second node uploads it again afterwards (the file is not rewritten).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    assert.equal((await stat(done.remotePath)).mtimeMs, delivered.mtimeMs);
    const files = await readdir(join(done.remotePath, '..'));
    assert.deepEqual(files.sort(), [`${recording.id}.cast`, `${recording.id}.cast.chain`]);
    const audit = await first.client.request('GET', '/api/v1/audit?action=upload.completed');
    assert.equal(audit.status, 200, audit.text);
    const completed = audit
      .json(AuditPage)
      .entries.filter((entry) => JSON.stringify(entry.details).includes(recording.id));
    assert.equal(completed.length, 1, 'one node completed the upload, once');
    for (const node of cluster.nodes) await allOnline(node.client, `on ${node.nodeId} at the end`);
    // Each agent held by exactly one node: the live nodes' counts add up to the fleet.
    await waitFor(
      `the live nodes holding ${AGENTS} agents between them`,
      async () => {
        const answer = await first.conf.request('GET', '/conf/api/cluster/nodes');
        const { nodes } = answer.json(ClusterNodesResponse);
        const alive = nodes.filter((node) => node.isAlive);
        return alive.reduce((sum, node) => sum + node.agents, 0) === AGENTS || undefined;
      },
      WAIT_MS,
    );
  });
});
