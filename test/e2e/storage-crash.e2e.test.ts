import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeviceList, Policy, Recording, RecordingList } from '@tether/protocol';
import { z } from 'zod';
import {
  makeCertificate,
  makeCertificateFolders,
  sealWithOpenssl,
} from '../../packages/server/test/support/openssl-cms.js';
import { startCli, stopProcess, waitFor } from '../support/cli.js';
import { startSftpServer } from '../support/sftp-server.js';
import { startTcpCutter } from '../support/tcp-cutter.js';
import { openTerminal } from '../support/terminal-client.js';
import { enrollAndRunAgent, freePort, startServerProcess } from '../support/server-process.js';

const PASSWORD = 'storage-crash-password-1';
const PolicyReply = z.object({ policy: Policy });
const RecordingReply = z.object({ recording: Recording });

test('the Tether server is killed (SIGKILL) during an upload: after the restart the upload resumes and the recording arrives exactly once', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tether-storage-crash-'));
  const dataDir = join(root, 'data');
  const agentDir = join(root, 'agent');
  const folders = await makeCertificateFolders(join(root, 'ssl'));
  const certificate = await makeCertificate(folders, 'Uploads');
  const sftp = await startSftpServer();
  const cutter = await startTcpCutter(sftp.port);
  const inbox = await sftp.folder('inbox');
  const configFile = join(root, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({ storage: { ...folders, retryBaseSec: 0.3, retryMaxSec: 1 } }),
  );
  const port = await freePort();
  let server = await startServerProcess({
    dataDir,
    port,
    configFile,
    password: PASSWORD,
    logLevel: 'info',
  });
  let agent: ReturnType<typeof startCli> | undefined;
  try {
    agent = await enrollAndRunAgent(server.client, { port, agentDir, group: 'Crash' });
    const device = await waitFor('the device to come online', async () => {
      const list = (await server.client.request('GET', '/api/v1/devices')).json(DeviceList);
      return list.devices.find((candidate) => candidate.online);
    });
    const credential = await sealWithOpenssl(certificate.certFile, sftp.password);
    const policy = (
      await server.client.request('POST', '/api/v1/policies', {
        name: 'Uploads',
        settings: {
          customStorage: {
            url: sftp.url(inbox, cutter.port),
            hostKey: sftp.hostKey,
            authentication: 'password',
            credential,
          },
        },
      })
    ).json(PolicyReply).policy;
    const assigned = await server.client.request(
      'PUT',
      `/api/v1/policies/${policy.id}/assignments`,
      { assignments: [{ type: 'group', group: 'Crash' }] },
    );
    assert.equal(assigned.status, 200, assigned.text);

    const held = cutter.holdAfter(120_000);
    const terminal = await openTerminal(server.client, device.id);
    terminal.type('head -c 300000 /dev/urandom | base64 -w 120; echo "end-$((40 + 2))"\r');
    await terminal.waitForOutput(/end-42/, 30_000);
    await terminal.close();
    const recording = await waitFor('the recording to complete', async () => {
      const list = (await server.client.request('GET', '/api/v1/recordings')).json(RecordingList);
      return list.recordings.find(
        (candidate) =>
          candidate.sessionId === terminal.session.session.id && candidate.state === 'complete',
      );
    });
    await held;
    const during = (await server.client.request('GET', `/api/v1/recordings/${recording.id}`)).json(
      RecordingReply,
    ).recording;
    assert.equal(
      during.upload?.state,
      'uploading',
      'the upload is in flight when the server is killed',
    );
    await stopProcess(server.process, 'SIGKILL');
    cutter.release();

    server = await startServerProcess({
      dataDir,
      port,
      configFile,
      password: PASSWORD,
      logLevel: 'info',
    });
    const upload = await waitFor(
      'the upload to finish after the restart',
      async () => {
        const { upload: current } = (
          await server.client.request('GET', `/api/v1/recordings/${recording.id}`)
        ).json(RecordingReply).recording;
        return current?.state === 'done' ? current : undefined;
      },
      30_000,
    );
    assert.ok(upload.attempts >= 2, `attempts: ${upload.attempts}`);
    const month = recording.startedAt.slice(0, 7);
    const local = await readFile(join(dataDir, 'recordings', month, `${recording.sessionId}.cast`));
    assert.deepEqual(
      await readFile(join(inbox, month, `${recording.id}.cast`)),
      local,
      'byte-identical after the crash',
    );
    assert.deepEqual(
      (await readdir(join(inbox, month))).sort(),
      [`${recording.id}.cast`, `${recording.id}.cast.chain`],
      'exactly once, no partial file',
    );
  } finally {
    if (agent) await stopProcess(agent);
    await stopProcess(server.process);
    await cutter.close();
    await sftp.close();
    await rm(root, { recursive: true, force: true });
  }
});
