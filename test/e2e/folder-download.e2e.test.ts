import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditPage, FilesTimelineEvent, RecordingList } from '@tether/protocol';
import { waitFor } from '../support/cli.js';
import { openFiles } from '../support/files-client.js';
import { createTestServer, type TestServer } from '../support/test-server.js';

const MiB = 1024 * 1024;
/** Several frames and windows' worth, so the archive must be built while it is sent. */
const BIG_BYTES = 96 * MiB;

let server: TestServer;
let deviceId: string;
let agentPid: number;
let work: string;
let root: string;
let project: string;
const longName = `${'a-rather-long-file-name-'.repeat(6)}.txt`; // over ustar's 100 bytes
const deepPath = Array.from({ length: 12 }, (_, index) => `level-${index}-of-a-deep-tree`);

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN') / 1024;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'tether-folder-'));
  root = join(work, 'shared');
  project = join(root, 'project');
  const outside = join(work, 'private');
  await mkdir(join(project, 'sub', 'empty'), { recursive: true });
  await mkdir(join(project, ...deepPath), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'not for technicians');
  await writeFile(join(project, 'a.txt'), 'hello from the device\n');
  await writeFile(join(project, 'sub', longName), 'long name\n');
  await writeFile(join(project, ...deepPath, 'deep.txt'), 'deep\n');
  await writeFile(join(project, 'sub', 'big.bin'), randomFillSync(Buffer.alloc(BIG_BYTES)));
  await symlink('a.txt', join(project, 'link-inside'));
  await symlink(join(outside, 'secret.txt'), join(project, 'link-out'));
  await symlink(outside, join(project, 'folder-link-out'));
  await symlink(outside, join(root, 'escape'));
  server = await createTestServer();
  const agent = await server.startAgent({ args: ['--file-root', root] });
  deviceId = agent.device.id;
  agentPid = agent.pid;
});
after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

test('a folder downloads as a tar built on the fly, with bounded memory, audited and in the timeline', async () => {
  const files = await openFiles(server.admin, deviceId);
  const archive = join(work, 'project.tar');
  const agentBefore = await peakRssMiB(agentPid);
  const done = await files.download({ from: project, to: archive, archive: 'tar' });
  assert.ok(done.type === 'done', JSON.stringify(done));
  const bytes = await readFile(archive);
  assert.equal(done.size, bytes.length);
  assert.equal(done.sha256, sha256(bytes), 'the SHA-256 covers the archive as sent');
  assert.equal(done.archive, 'tar');
  assert.equal(done.skipped, 2, 'both symlinks leading out were skipped');
  const agentPeak = await peakRssMiB(agentPid);
  assert.ok(agentPeak - agentBefore < 64, `agent peak RSS ${agentBefore} → ${agentPeak} MiB`);

  // GNU tar reads it back (PAX long names included) into exactly the folder, minus what leads out.
  const extracted = join(work, 'extracted');
  await mkdir(extracted);
  execFileSync('tar', ['-xf', archive, '-C', extracted]);
  const copy = join(extracted, 'project');
  assert.equal(await readFile(join(copy, 'a.txt'), 'utf8'), 'hello from the device\n');
  assert.equal(await readFile(join(copy, 'sub', longName), 'utf8'), 'long name\n');
  assert.equal(await readFile(join(copy, ...deepPath, 'deep.txt'), 'utf8'), 'deep\n');
  assert.equal(
    sha256(await readFile(join(copy, 'sub', 'big.bin'))),
    sha256(await readFile(join(project, 'sub', 'big.bin'))),
  );
  assert.ok((await stat(join(copy, 'sub', 'empty'))).isDirectory());
  assert.equal(await readlink(join(copy, 'link-inside')), 'a.txt', 'inside links stay links');
  await assert.rejects(stat(join(copy, 'link-out')), { code: 'ENOENT' });
  await assert.rejects(stat(join(copy, 'folder-link-out')), { code: 'ENOENT' });
  const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' });
  assert.doesNotMatch(listing, /secret/, 'nothing from outside the roots is in the archive');
  await files.close();

  const audit = await waitFor('the download audit', async () => {
    const page = (await server.admin.request('GET', '/api/v1/audit?limit=200')).json(AuditPage);
    return page.entries.find(
      (entry) => entry.action === 'file.downloaded' && entry.details.sha256 === done.sha256,
    );
  });
  assert.deepEqual(audit.details, {
    sessionId: files.session.session.id,
    path: project,
    size: bytes.length,
    sha256: done.sha256,
    archive: 'tar',
    skipped: 2,
  });
  const recording = await waitFor('the files recording', async () => {
    const list = (await server.admin.request('GET', '/api/v1/recordings')).json(RecordingList);
    const found = list.recordings.find((item) => item.sessionId === files.session.session.id);
    return found?.state === 'complete' ? found : undefined;
  });
  const content = await server.admin.request('GET', `/api/v1/recordings/${recording.id}/content`);
  const events = content.text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => FilesTimelineEvent.parse(JSON.parse(line)));
  const started = events.find((event) => event.outcome === 'started');
  const finished = events.find((event) => event.outcome === 'done');
  assert.equal(started?.archive, 'tar');
  assert.equal(started.size, bytes.length, 'the announced size was exact (nothing changed)');
  assert.deepEqual(
    [finished?.op, finished?.path, finished?.size, finished?.sha256, finished?.archive],
    ['download', project, bytes.length, done.sha256, 'tar'],
  );
});

test('a folder archive is refused through a symlink leading out, for a file, or at an offset', async () => {
  const files = await openFiles(server.admin, deviceId);
  try {
    const target = join(work, 'refused.tar');
    const escaped = await files.download({
      from: join(root, 'escape'),
      to: target,
      archive: 'tar',
    });
    assert.ok(escaped.type === 'error' && escaped.code === 'refused', JSON.stringify(escaped));
    const file = await files.download({ from: join(project, 'a.txt'), to: target, archive: 'tar' });
    assert.ok(file.type === 'error' && /not a folder/.test(file.message), JSON.stringify(file));
    const resumed = await files.request({
      type: 'download',
      path: project,
      offset: 10,
      archive: 'tar',
    });
    assert.ok(
      resumed.type === 'error' && /cannot be resumed/.test(resumed.message),
      JSON.stringify(resumed),
    );
  } finally {
    await files.close();
  }
});
