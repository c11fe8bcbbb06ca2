import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  BackupContents,
  BackupJob,
  BackupList,
  BackupScheduleView,
  type Notification,
} from '@tether/protocol';
import {
  createLogger,
  loadServerConfig,
  openStore,
  restoreBackup,
  startServer,
  type RunningServer,
  type Store,
} from '@tether/server';
import { z } from 'zod';
import { runCli, waitFor } from '../support/cli.js';
import { HttpsClient } from '../support/https-client.js';
import { JumpClock } from '../support/jump-clock.js';

// Backups from the admin console and on a schedule (S-8), against a real server on a test clock:
// the schedule runs when the clock passes its time and keeps only the newest N, its archive
// verifies and restores; a console backup goes create → job → verify → download → delete; a
// failing scheduled backup is audited and notified. Engine round trips, damaged archives and the
// agent reconnecting to a restored server are in backup.e2e.test.ts.

const PASSWORD = 'backup-console-admin-1';
const PASSPHRASE = 'scheduled passphrase 2026';
const HOUR_MS = 3_600_000;
const JobAnswer = z.object({ job: BackupJob });

let root: string;
let dataDir: string;
let server: RunningServer;
let ca: string;
const clock = new JumpClock(Date.now());
const user = () => new HttpsClient(server.url ?? '', ca);
let conf: HttpsClient;

/** A client of the admin listener, signed in anew (the test clock may outrun a session). */
async function signIn(): Promise<HttpsClient> {
  const console = user();
  const login = await console.request('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: PASSWORD,
  });
  assert.equal(login.status, 200, login.text);
  const admin = new HttpsClient(new URL(server.adminUrl ?? '').origin, ca);
  admin.cookie = console.cookie;
  return admin;
}

/** The exact bytes of a download (the test client reads text). */
function download(path: string): Promise<{ status: number; body: Buffer }> {
  const url = new URL(path, conf.baseUrl);
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca, headers: { cookie: conf.cookie ?? '' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

async function rowsOf(store: Store, table: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const page of store.tableDump.rows(table)) rows.push(...page);
  return rows;
}

async function auditText(): Promise<string> {
  return JSON.stringify(await server.context.store.audit.list({ limit: 1000 }));
}

const schedule = async () =>
  (await conf.request('GET', '/conf/api/backups/schedule')).json(BackupScheduleView);
const list = async () => (await conf.request('GET', '/conf/api/backups')).json(BackupList);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-backup-console-'));
  dataDir = join(root, 'data');
  server = await startServer({
    config: loadServerConfig({
      flags: {
        dataDir,
        listen: { host: '127.0.0.1', port: 0 },
        admin: { host: '127.0.0.1', port: 0 },
        logLevel: 'silent',
      },
    }),
    log: createLogger({ level: process.env.TETHER_TEST_LOG ?? 'silent' }),
    clock,
    adminPassword: PASSWORD,
  });
  ca = server.context.tls.cert;
  conf = await signIn();
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

test('scheduled backups run when the clock passes their time, keep the newest N, and the archive verifies and restores', async () => {
  const saved = await conf.request('PUT', '/conf/api/backups/schedule', {
    enabled: true,
    every: { kind: 'interval', hours: 6 },
    keep: { count: 2 },
    includeRecordings: false,
    passphrase: PASSPHRASE,
  });
  assert.equal(saved.status, 200, saved.text);
  assert.doesNotMatch(saved.text, new RegExp(PASSPHRASE));
  const view = saved.json(BackupScheduleView);
  assert.equal(view.passphraseSource, 'stored');
  assert.equal(view.effectiveDirectory, join(dataDir, 'backups'));
  assert.equal(new Date(view.nextRunAt ?? '').getTime(), clock.now().getTime() + 6 * HOUR_MS);
  const stored = JSON.stringify(await server.context.store.settings.get('backup.schedule'));
  assert.doesNotMatch(stored, new RegExp(PASSPHRASE), 'the passphrase is stored encrypted');
  assert.match(await auditText(), /"target":"backup.schedule"/);
  assert.doesNotMatch(await auditText(), new RegExp(PASSPHRASE));

  const bad = await conf.request('PUT', '/conf/api/backups/schedule', {
    ...view,
    every: { kind: 'daily', time: '25:00' },
  });
  assert.equal(bad.status, 422, 'an invalid time is refused');
  assert.deepEqual((await schedule()).every, view.every, 'and nothing changed');

  const written: string[] = [];
  for (let run = 1; run <= 3; run += 1) {
    clock.jump(6 * HOUR_MS + 60_000);
    conf = await signIn();
    const state = await waitFor(`scheduled backup ${run}`, async () => {
      const { state } = await schedule();
      return state.lastFile && !written.includes(state.lastFile) ? state : undefined;
    });
    assert.equal(state.lastError, undefined);
    written.push(state.lastFile ?? '');
  }
  const backups = (await list()).backups;
  assert.deepEqual(
    backups.map((file) => file.name),
    [written[2], written[1]],
    'only the newest two scheduled backups are kept',
  );
  assert.ok(backups.every((file) => file.origin === 'scheduled' && !file.includesRecordings));
  assert.match(await auditText(), /backup\.pruned/);

  const newest = written[2] ?? '';
  const wrong = await conf.request('POST', `/conf/api/backups/${newest}/verify`, {
    passphrase: 'not the passphrase at all',
  });
  assert.equal(wrong.status, 422);
  assert.match(wrong.text, /passphrase is wrong/);
  const verified = await conf.request('POST', `/conf/api/backups/${newest}/verify`, {
    passphrase: PASSPHRASE,
  });
  assert.equal(verified.status, 200, verified.text);
  assert.equal(verified.json(BackupContents).tables.users, 1);

  // The archive restores into a fresh data folder: the same users, keys and (sealed) schedule.
  const fresh = join(root, 'restored');
  await mkdir(fresh, { recursive: true });
  const store = await openStore(`sqlite:${join(fresh, 'tether.db')}`);
  try {
    await restoreBackup({
      store,
      paths: { keysDir: join(fresh, 'keys'), recordingsDir: join(fresh, 'recordings') },
      file: join(dataDir, 'backups', newest),
      passphrase: PASSPHRASE,
      replace: false,
      now: new Date(),
    });
    assert.deepEqual(await rowsOf(store, 'users'), await rowsOf(server.context.store, 'users'));
    assert.equal(
      await readFile(join(fresh, 'keys', 'secret-box.key'), 'utf8'),
      await readFile(join(dataDir, 'keys', 'secret-box.key'), 'utf8'),
    );
  } finally {
    await store.close();
  }
});

test('a console backup is created as a job, verified, downloaded intact and deleted', async () => {
  const other = 'a manual backup passphrase';
  const started = await conf.request('POST', '/conf/api/backups', {
    passphrase: other,
    includeRecordings: true,
  });
  assert.equal(started.status, 201, started.text);
  const { job } = started.json(JobAnswer);
  const done = await waitFor('the backup job to finish', async () => {
    const polled = (await conf.request('GET', `/conf/api/backups/jobs/${job.id}`)).json(JobAnswer);
    return polled.job.state === 'running' ? undefined : polled.job;
  });
  assert.equal(done.state, 'done', done.error);
  const name = done.file ?? '';
  assert.match(name, /-manual-recordings\.tbk$/);
  const listed = (await list()).backups.find((file) => file.name === name);
  assert.equal(listed?.origin, 'manual');
  assert.equal(listed.includesRecordings, true);

  const verified = await conf.request('POST', `/conf/api/backups/${name}/verify`, {
    passphrase: other,
  });
  assert.equal(verified.status, 200, verified.text);
  assert.equal(verified.json(BackupContents).includesRecordings, true);

  const fetched = await download(`/conf/api/backups/${name}/download`);
  assert.equal(fetched.status, 200);
  const onDisk = await readFile(join(dataDir, 'backups', name));
  assert.equal(
    createHash('sha256').update(fetched.body).digest('hex'),
    createHash('sha256').update(onDisk).digest('hex'),
  );
  const escape = await conf.request(
    'GET',
    '/conf/api/backups/..%2Fkeys%2Fserver-signing.pem/download',
  );
  assert.equal(escape.status, 422, 'only names of the backup folder');

  const removed = await conf.request('DELETE', `/conf/api/backups/${name}`);
  assert.equal(removed.status, 204, removed.text);
  assert.equal(
    (await list()).backups.some((file) => file.name === name),
    false,
  );
  assert.equal((await download(`/conf/api/backups/${name}/download`)).status, 404);
  const audit = await auditText();
  assert.match(audit, /backup\.created/);
  assert.match(audit, /backup\.deleted/);
  assert.doesNotMatch(audit, new RegExp(other), 'the passphrase is never audited');
});

test('a failing scheduled backup is audited and notified as a server error', async () => {
  const notified: Notification[] = [];
  const delivery = server.context.notifications;
  server.context.notifications = {
    ...delivery,
    notify: (notification) => void notified.push(notification),
  };
  const passphraseFile = join(root, 'passphrase.txt');
  await writeFile(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  const saved = await conf.request('PUT', '/conf/api/backups/schedule', {
    enabled: true,
    every: { kind: 'interval', hours: 1 },
    keep: { count: 2 },
    includeRecordings: false,
    passphraseFile,
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.json(BackupScheduleView).passphraseSource, 'file');
  const before = (await list()).backups.length;

  await rm(passphraseFile);
  clock.jump(HOUR_MS + 60_000);
  conf = await signIn();
  const notification = await waitFor('the failure notification', () => notified[0]);
  assert.equal(notification.kind, 'server.error');
  assert.match(notification.text, /passphrase file .* cannot be read/);
  assert.match((await schedule()).state.lastError ?? '', /cannot be read/);
  assert.match(await auditText(), /backup\.failed/);
  assert.equal((await list()).backups.length, before, 'no archive left behind');
});

test('the CLI shows and sets the schedule and lists the backups headless', async () => {
  const cliDir = join(root, 'cli');
  const help = await runCli(['backup', 'schedule', 'set', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--keep N/);
  const set = await runCli(
    [
      'backup',
      'schedule',
      'set',
      '--data-dir',
      cliDir,
      '--enable',
      '--daily',
      '03:30',
      '--keep',
      '5',
    ],
    { env: { TETHER_BACKUP_PASSPHRASE: PASSPHRASE } },
  );
  assert.equal(set.code, 0, set.stderr + set.stdout);
  const show = await runCli(['backup', 'schedule', 'show', '--data-dir', cliDir]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /enabled, daily at 03:30 UTC/);
  assert.match(show.stdout, /Keep: the newest 5/);
  assert.match(show.stdout, /Passphrase: stored/);
  assert.doesNotMatch(show.stdout + set.stdout, new RegExp(PASSPHRASE));
  const refused = await runCli(['backup', 'schedule', 'set', '--data-dir', cliDir, '--every', '0']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr + refused.stdout, /Invalid backup schedule/);
  const listed = await runCli(['backup', 'list', '--data-dir', cliDir]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /0 backups/);
});
