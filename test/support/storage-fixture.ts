import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  Policy,
  Recording,
  RecordingList,
  type CustomStorage,
  type RecordingUpload,
} from '@tether/protocol';
import { createLogger } from '@tether/server';
import {
  makeCertificate,
  makeCertificateFolders,
  sealLikePowerShell,
  sealLikeReadme,
  sealWithOpenssl,
  type CertificateFolders,
  type TestCertificate,
} from '../../packages/server/test/support/openssl-cms.js';
import { waitFor } from './cli.js';
import { startSftpServer, type SftpServerOptions, type SftpTestServer } from './sftp-server.js';
import { openTerminal } from './terminal-client.js';
import { createTestServer, type TestServer } from './test-server.js';
import { z } from 'zod';

const PolicyReply = z.object({ policy: Policy });
const RecordingReply = z.object({ recording: Recording });

/** A Tether server + real agent + real sshd, a certificate for sealing, and one upload policy. */
export interface StorageFixture {
  tether: TestServer;
  sftp: SftpTestServer;
  folders: CertificateFolders;
  certificate: TestCertificate;
  deviceId: string;
  /** Everything the server logged (debug level), as text. */
  logs(): string;
  /** Sets the policy's custom storage (the policy applies to the agent's group). */
  setStorage(storage: CustomStorage): Promise<void>;
  /** Runs a terminal session printing about `bytes` of output; resolves with its recording ID once complete. */
  recordSession(bytes?: number): Promise<string>;
  /** Polls the recording until its upload matches. */
  waitForUpload(
    recordingId: string,
    what: string,
    check: (upload: RecordingUpload) => boolean,
    timeoutMs?: number,
  ): Promise<RecordingUpload>;
  /** The recording's file in the server's data directory. */
  localFile(recordingId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * @example
 * const fixture = await startStorageFixture();
 * await fixture.setStorage({ url: fixture.sftp.url(inbox), authentication: 'password', credential });
 */
export async function startStorageFixture(
  options: {
    retryBaseSec?: number;
    retryMaxSec?: number;
    keepLocalDays?: number;
    /** How the SFTP server restricts the upload account. */
    sftp?: SftpServerOptions;
  } = {},
): Promise<StorageFixture> {
  const root = await mkdtemp(join(tmpdir(), 'tether-storage-'));
  const folders = await makeCertificateFolders(join(root, 'ssl'));
  const certificate = await makeCertificate(folders, 'MyCompanySFTP');
  let logText = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const sftp = await startSftpServer(options.sftp);
  const tether = await createTestServer({
    config: {
      storage: {
        ...folders,
        retryBaseSec: options.retryBaseSec ?? 0.3,
        retryMaxSec: options.retryMaxSec ?? 1.5,
        ...(options.keepLocalDays === undefined ? {} : { keepLocalDays: options.keepLocalDays }),
      },
    },
    log: createLogger({ level: 'debug', destination }),
  });
  const agent = await tether.startAgent();
  const created = await tether.admin.request('POST', '/api/v1/policies', {
    name: 'Upload recordings',
  });
  if (created.status !== 201) throw new Error(`policy creation failed: ${created.text}`);
  const policy = created.json(PolicyReply).policy;
  const assigned = await tether.admin.request('PUT', `/api/v1/policies/${policy.id}/assignments`, {
    assignments: [{ type: 'group', group: agent.device.group }],
  });
  if (assigned.status !== 200) throw new Error(`policy assignment failed: ${assigned.text}`);

  const recordingOf = async (id: string): Promise<Recording> =>
    (await tether.admin.request('GET', `/api/v1/recordings/${id}`)).json(RecordingReply).recording;

  return {
    tether,
    sftp,
    folders,
    certificate,
    deviceId: agent.device.id,
    logs: () => logText,
    async setStorage(storage) {
      const response = await tether.admin.request('PUT', `/api/v1/policies/${policy.id}`, {
        name: policy.name,
        settings: { customStorage: storage },
      });
      if (response.status !== 200) throw new Error(`policy update failed: ${response.text}`);
    },
    async recordSession(bytes = 0) {
      const terminal = await openTerminal(tether.admin, agent.device.id);
      if (bytes > 0)
        terminal.type(`head -c ${Math.ceil((bytes * 3) / 4)} /dev/urandom | base64 -w 120\r`);
      terminal.type('echo "session-$((40 + 2))-done"\r');
      await terminal.waitForOutput(/session-42-done/, 30_000);
      await terminal.close();
      const sessionId = terminal.session.session.id;
      const recording = await waitFor('the recording to complete', async () => {
        const list = (await tether.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
        const found = list.recordings.find((candidate) => candidate.sessionId === sessionId);
        return found?.state === 'complete' ? found : undefined;
      });
      return recording.id;
    },
    waitForUpload: (recordingId, what, check, timeoutMs = 30_000) =>
      waitFor(
        `the upload of ${recordingId} to be ${what}`,
        async () => {
          const upload = (await recordingOf(recordingId)).upload;
          return upload && check(upload) ? upload : undefined;
        },
        timeoutMs,
      ),
    async localFile(recordingId) {
      const recording = await tether.server.context.store.recordings.find(recordingId);
      if (!recording) throw new Error(`no recording ${recordingId}`);
      return join(tether.dataDir, 'recordings', recording.path);
    },
    async close() {
      await tether.close();
      await sftp.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Files under `folder` (recursively), relative. */
export async function listTree(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

/** How an administrator may seal the SFTP password to the server's certificate. */
export type SealedBy = 'v1.5' | 'oaep' | 'powershell' | 'readme';

/**
 * The fixture's SFTP password sealed to its certificate the way an administrator would: openssl
 * cms (PKCS#1 v1.5 or RSA-OAEP), PowerShell's Protect-CmsMessage, or the README's command.
 *
 * @example
 * const credential = await sealPassword(fixture, 'oaep');
 */
export async function sealPassword(fixture: StorageFixture, how: SealedBy): Promise<string> {
  const { certFile } = fixture.certificate;
  const password = fixture.sftp.password;
  if (how === 'powershell') return sealLikePowerShell(certFile, password);
  if (how === 'readme') return sealLikeReadme(certFile, `${password}\n`);
  return sealWithOpenssl(
    certFile,
    `${password}\n`,
    how === 'oaep' ? { padding: 'oaep', oaepHash: 'sha256' } : {},
  );
}

/**
 * A certificate the server does not hold, made in a folder beside `folder`: a credential sealed
 * to it cannot be opened, and the server's error names it (CN=Stranger).
 *
 * @example
 * const stranger = await strangerCertificate(inbox);
 */
export async function strangerCertificate(folder: string): Promise<TestCertificate> {
  return makeCertificate(await makeCertificateFolders(join(folder, '..', 'elsewhere')), 'Stranger');
}
