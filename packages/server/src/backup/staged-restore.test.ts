import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createLogger } from '../logging.js';
import { openStore } from '../store/open-store.js';
import { addUser } from '../store/test/fixtures.js';
import { createBackup } from './backup.js';
import {
  applyStagedRestore,
  restoreAuditEntry,
  restoreState,
  stageRestore,
} from './staged-restore.js';

// A restore asked for from the admin console: checked whole while the server runs (a bad
// passphrase or file leaves nothing staged), applied at the next start with a store of its own,
// and on failure the database and keys stay as they were.

const PASSPHRASE = 'staged restore passphrase';
const request = { file: 'b.tbk', by: 'admin', requestedAt: '2026-12-07T10:00:00.000Z' };

describe('staged restore', () => {
  let dataDir: string;
  let backupFile: string;
  const paths = () => ({
    keysDir: join(dataDir, 'keys'),
    recordingsDir: join(dataDir, 'recordings'),
  });
  const open = () => openStore(`sqlite:${join(dataDir, 'tether.db')}`);
  const usernames = async () => {
    const store = await open();
    try {
      return (await store.users.list()).map((user) => user.username).sort();
    } finally {
      await store.close();
    }
  };
  const apply = () =>
    applyStagedRestore({
      dataDir,
      paths: paths(),
      openStore: open,
      now: new Date('2026-12-07T10:01:00Z'),
      log: createLogger({ level: 'silent' }),
    });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tether-staged-'));
    await mkdir(join(dataDir, 'keys'));
    await writeFile(join(dataDir, 'keys', 'server.key'), 'key at backup time');
    const store = await open();
    try {
      await addUser(store, 'before-backup');
      backupFile = join(dataDir, 'b.tbk');
      await createBackup({
        store,
        paths: paths(),
        output: backupFile,
        passphrase: PASSPHRASE,
        includeRecordings: false,
        now: new Date('2026-12-07T09:00:00Z'),
      });
      await addUser(store, 'after-backup');
    } finally {
      await store.close();
    }
    await writeFile(join(dataDir, 'keys', 'server.key'), 'key changed since');
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses a wrong passphrase or a damaged file and stages nothing', async () => {
    await assert.rejects(
      stageRestore({ dataDir, file: backupFile, passphrase: 'not the passphrase', request }),
      /passphrase/,
    );
    const damaged = join(dataDir, 'damaged.tbk');
    const bytes = await readFile(backupFile);
    const at = bytes.length - 40;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await writeFile(damaged, bytes);
    await assert.rejects(stageRestore({ dataDir, file: damaged, passphrase: PASSPHRASE, request }));
    assert.equal(await restoreState(dataDir), null);
    assert.deepEqual(
      (await readdir(dataDir)).filter((name) => name.includes('restore')),
      [],
      'no folder left behind',
    );
    assert.equal(await apply(), undefined, 'nothing to apply at start');
    assert.deepEqual(await usernames(), ['after-backup', 'before-backup']);
  });

  it('applies a staged backup at the next start: tables and keys are the backup’s', async () => {
    await stageRestore({ dataDir, file: backupFile, passphrase: PASSPHRASE, request });
    assert.equal((await restoreState(dataDir))?.state, 'pending');
    assert.deepEqual(await usernames(), ['after-backup', 'before-backup'], 'not before the start');

    const applied = await apply();
    assert.ok(applied);
    assert.equal(applied.error, undefined);
    assert.deepEqual(await usernames(), ['before-backup']);
    assert.equal(await readFile(join(dataDir, 'keys', 'server.key'), 'utf8'), 'key at backup time');
    const state = await restoreState(dataDir);
    assert.equal(state?.state, 'restored');
    assert.equal(state.by, 'admin');
    assert.equal(state.backupCreatedAt, '2026-12-07T09:00:00.000Z');
    assert.equal(restoreAuditEntry(applied).action, 'backup.restored');
    assert.equal(await apply(), undefined, 'applied once');
  });

  it('a restore that fails at start changes nothing, keeps the staged folder aside and says why', async () => {
    await stageRestore({ dataDir, file: backupFile, passphrase: PASSPHRASE, request });
    // A row the database refuses: the transaction replacing every table rolls back.
    await writeFile(join(dataDir, 'restore-pending', 'database', 'users.jsonl'), '{"id":\n');

    const applied = await apply();
    assert.ok(applied?.error);
    assert.equal(restoreAuditEntry(applied).action, 'backup.restore_failed');
    assert.deepEqual(await usernames(), ['after-backup', 'before-backup']);
    assert.equal(await readFile(join(dataDir, 'keys', 'server.key'), 'utf8'), 'key changed since');
    const state = await restoreState(dataDir);
    assert.equal(state?.state, 'failed');
    assert.ok(state.error);
    assert.ok((await readdir(dataDir)).some((name) => name.startsWith('restore-failed-')));
  });
});
