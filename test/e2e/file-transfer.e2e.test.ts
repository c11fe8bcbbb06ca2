import assert from 'node:assert/strict';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditPage, Policy, RecordingList, type AuditEntry } from '@tether/protocol';
import { z } from 'zod';
import { waitFor } from '../support/cli.js';
import { openFiles } from '../support/files-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const MiB = 1024 * 1024;
/** Big enough that whole-file buffering would show in the memory figures, small enough for CI. */
const BIG_FILE_BYTES = 256 * MiB;

let server: TestServer;
let deviceId: string;
let agentPid: number;
let work: string;
let root: string;
let outside: string;
let bigFile: string;
let bigSha256: string;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MiB }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'w');
  const block = Buffer.alloc(4 * MiB);
  for (let written = 0; written < size; written += block.length) {
    randomFillSync(block);
    await handle.write(block, 0, Math.min(block.length, size - written));
  }
  await handle.close();
}

/** Peak resident memory of a process (Linux), in MiB. */
async function peakRssMiB(pid: number | 'self'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kib / 1024;
}

async function auditEntries(action: string): Promise<AuditEntry[]> {
  const page = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
  return page.entries.filter((entry) => entry.action === action);
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tether-files-'));
  root = join(work, 'shared');
  outside = join(work, 'private');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'not for technicians');
  await symlink(outside, join(root, 'escape'));
  bigFile = join(work, 'big.bin');
  await writeRandomFile(bigFile, BIG_FILE_BYTES);
  bigSha256 = await sha256Of(bigFile);
  server = await createTestServer();
  const agent = await server.startAgent({ args: ['--file-root', root] });
  deviceId = agent.device.id;
  agentPid = agent.pid;
});
after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

test('a big file uploads and downloads byte for byte with bounded memory, and is audited', async () => {
  const files = await openFiles(server.admin, deviceId);
  const agentBefore = await peakRssMiB(agentPid);
  const serverBefore = await peakRssMiB('self');
  const started = Date.now();
  const uploaded = await files.upload({ from: bigFile, to: join(root, 'big.bin') });
  assert.ok(uploaded.type === 'done', JSON.stringify(uploaded));
  assert.equal(uploaded.sha256, bigSha256);
  assert.equal(await sha256Of(join(root, 'big.bin')), bigSha256, 'the device has the same bytes');

  const copy = join(work, 'big-copy.bin');
  const downloaded = await files.download({ from: join(root, 'big.bin'), to: copy });
  assert.equal(downloaded.type === 'done' && downloaded.sha256, bigSha256);
  assert.equal(await sha256Of(copy), bigSha256, 'the technician got the same bytes');
  const seconds = (Date.now() - started) / 1000;
  await files.close();

  // 2 × 256 MiB went through each hop: buffering a whole file anywhere would raise a peak by
  // far more than these margins (the windows are 8 MiB; the rest is allocator and GC slack).
  const agentPeak = await peakRssMiB(agentPid);
  const serverPeak = await peakRssMiB('self'); // server, relay and this test's client
  assert.ok(agentPeak - agentBefore < 96, `agent peak RSS ${agentBefore} → ${agentPeak} MiB`);
  assert.ok(serverPeak - serverBefore < 160, `server peak RSS ${serverBefore} → ${serverPeak} MiB`);
  process.stdout.write(
    `# 512 MiB moved in ${seconds.toFixed(1)} s; peak RSS agent ${agentBefore.toFixed(0)} → ${agentPeak.toFixed(0)} MiB, server+client ${serverBefore.toFixed(0)} → ${serverPeak.toFixed(0)} MiB\n`,
  );

  const uploadedAudit = await waitFor('the upload audit', async () =>
    (await auditEntries('file.uploaded')).find((entry) => entry.details.sha256 === bigSha256),
  );
  assert.equal(uploadedAudit.details.size, BIG_FILE_BYTES);
  assert.equal(uploadedAudit.details.path, join(root, 'big.bin'));
  assert.equal(uploadedAudit.actor, 'admin');
  assert.equal(uploadedAudit.target, deviceId);
  await waitFor('the download audit', async () =>
    (await auditEntries('file.downloaded')).find((entry) => entry.details.sha256 === bigSha256),
  );

  const recording = await waitFor('the files recording', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find((item) => item.sessionId === files.session.session.id);
    return found?.state === 'complete' ? found : undefined;
  });
  assert.equal(recording.format, 'tether-files-v1');
  const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  const done = content.text
    .split('\n')
    .filter((line) => line.includes('"outcome":"done"'))
    .map((line) => JSON.parse(line) as { op: string; sha256: string });
  assert.deepEqual(
    done.map((event) => [event.op, event.sha256]),
    [
      ['upload', bigSha256],
      ['download', bigSha256],
    ],
  );
  await rm(copy);
});

test('a transfer cut in the middle resumes from its offset', async () => {
  const target = join(root, 'resumed.bin');
  const cut = await openFiles(server.admin, deviceId);
  const first = await cut.upload({ from: bigFile, to: target, cutAfter: 64 * MiB });
  assert.equal(first.type, 'error', 'the cut upload did not complete');
  await cut.closed;
  const partial = await waitFor('the partial upload to be kept', async () => {
    const names = await readdir(root);
    return names.includes('.resumed.bin.tether-part') ? names : undefined;
  });
  assert.ok(
    !partial.includes('resumed.bin'),
    'nothing appears under the final name before completion',
  );

  const again = await openFiles(server.admin, deviceId);
  const resumed = await again.upload({ from: bigFile, to: target, resume: true });
  assert.equal(resumed.type === 'done' && resumed.sha256, bigSha256);
  assert.equal(await sha256Of(target), bigSha256);
  assert.ok(
    !(await readdir(root)).includes('.resumed.bin.tether-part'),
    'the partial file is gone',
  );

  const copy = join(work, 'resumed-copy.bin');
  const cutDown = await again.download({ from: target, to: copy, cutAfter: 100 * MiB });
  assert.equal(cutDown.type, 'error', 'the cut download did not complete');
  await again.closed;
  const kept = (await stat(copy)).size;
  assert.ok(kept >= 100 * MiB && kept < BIG_FILE_BYTES, `kept ${kept} bytes`);

  const last = await openFiles(server.admin, deviceId);
  const rest = await last.download({ from: target, to: copy, offset: kept });
  assert.equal(rest.type === 'done' && rest.sha256, bigSha256, 'the agent hashes the whole file');
  assert.equal(await sha256Of(copy), bigSha256);
  await last.close();
  await rm(copy);
  await rm(target);

  const interrupted = await waitFor('the cut transfers to be audited', async () => {
    const entries = await auditEntries('file.transfer_failed');
    return entries.length >= 2 ? entries : undefined;
  });
  assert.ok(interrupted.some((entry) => entry.details.path === target));
});

test('folders can be made, listed, renamed and deleted', async () => {
  const files = await openFiles(server.admin, deviceId);
  assert.deepEqual(await files.request({ type: 'roots' }), { type: 'roots', id: 1, roots: [root] });
  const made = await files.request({ type: 'mkdir', path: join(root, 'reports') });
  assert.equal(made.type, 'ok');
  const renamed = await files.request({
    type: 'rename',
    path: join(root, 'reports'),
    to: join(root, 'archive'),
  });
  assert.equal(renamed.type, 'ok');
  const listing = await files.request({ type: 'list', path: root });
  assert.ok(listing.type === 'listing');
  const names = listing.entries.map((entry) => `${entry.name}:${entry.kind}`);
  assert.ok(names.includes('archive:directory') && names.includes('escape:symlink'), names.join());
  const exists = await files.request({ type: 'mkdir', path: join(root, 'archive') });
  assert.ok(exists.type === 'error' && exists.code === 'exists', JSON.stringify(exists));
  assert.equal((await files.request({ type: 'delete', path: join(root, 'archive') })).type, 'ok');
  assert.ok(!(await readdir(root)).includes('archive'));
  await files.close();
});

test('paths outside the roots are refused, audited, and nothing outside is touched', async () => {
  const files = await openFiles(server.admin, deviceId);
  const attempts = [
    { type: 'list', path: `${root}/../private` },
    { type: 'list', path: outside },
    { type: 'download', path: '/etc/passwd', offset: 0 },
    { type: 'download', path: join(root, 'escape', 'secret.txt'), offset: 0 },
    { type: 'list', path: join(root, 'escape') },
    { type: 'mkdir', path: join(root, 'escape', 'planted') },
    { type: 'delete', path: join(outside, 'secret.txt') },
    { type: 'rename', path: join(root, 'escape', 'secret.txt'), to: join(root, 'stolen.txt') },
  ] as const;
  for (const attempt of attempts) {
    const reply = await files.request(attempt);
    assert.ok(reply.type === 'error' && reply.code === 'refused', JSON.stringify(reply));
    assert.match(reply.message, /outside the folders this device shares|not allowed/);
  }
  const upload = join(work, 'payload.txt');
  await writeFile(upload, 'planted');
  const refusedUpload = await files.upload({
    from: upload,
    to: join(root, 'escape', 'planted.txt'),
  });
  assert.ok(refusedUpload.type === 'error' && refusedUpload.code === 'refused');
  // A symlink planted where the upload's partial file goes is not followed.
  await symlink(join(outside, 'secret.txt'), join(root, '.planted.txt.tether-part'));
  const plantedUpload = await files.upload({ from: upload, to: join(root, 'planted.txt') });
  assert.equal(plantedUpload.type, 'error', JSON.stringify(plantedUpload));
  await rm(join(root, '.planted.txt.tether-part'));
  await files.close();

  assert.deepEqual(await readdir(outside), ['secret.txt'], 'nothing was written outside');
  assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'not for technicians');
  const refused = await waitFor('the refusals to be audited', async () => {
    const entries = await auditEntries('file.refused');
    return entries.length >= attempts.length + 1 ? entries : undefined;
  });
  assert.ok(refused.some((entry) => entry.details.path === '/etc/passwd'));
  assert.ok(refused.every((entry) => entry.actor === 'admin' && entry.target === deviceId));
});

test('with file-transfer recording off by policy, transfers are still audited', async () => {
  const created = await server.admin.request('POST', '/api/v1/policies', {
    name: 'Do not record file transfers',
    settings: { recording: { files: 'off' } },
  });
  assert.equal(created.status, 201, created.text);
  const policyId = created.json(z.object({ policy: Policy })).policy.id;
  const assigned = await server.admin.request('PUT', `/api/v1/policies/${policyId}/assignments`, {
    assignments: [{ type: 'device', deviceId }],
  });
  assert.equal(assigned.status, 200, assigned.text);

  const local = join(work, 'unrecorded.txt');
  await writeFile(local, 'audited even when not recorded');
  const expected = createHash('sha256').update('audited even when not recorded').digest('hex');
  const files = await openFiles(server.admin, deviceId);
  const done = await files.upload({ from: local, to: join(root, 'unrecorded.txt') });
  assert.ok(done.type === 'done' && done.sha256 === expected);
  await files.close();

  await waitFor('the unrecorded upload to be audited', async () =>
    (await auditEntries('file.uploaded')).find((entry) => entry.details.sha256 === expected),
  );
  const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
  assert.ok(
    !list.recordings.some((item) => item.sessionId === files.session.session.id),
    'the session was not recorded',
  );
});
