import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeviceList } from '@tether/protocol';
import { openStore, type Store } from '@tether/server';
import {
  startPostgres,
  type PostgresInstance,
} from '../../packages/server/test/support/postgres.js';
import { runCli, stopProcess, waitFor } from '../support/cli.js';
import { enrollAndRunAgent, freePort, startServerProcess } from '../support/server-process.js';

// Backup and restore (S-8) with the real CLI, a real server and agent, SQLite and a private
// PostgreSQL: every table survives SQLite → SQLite, SQLite → PostgreSQL and PostgreSQL → SQLite,
// a wrong passphrase or a damaged file changes nothing, and the agent reconnects to the server
// restored in another data folder, and then to the server moved to PostgreSQL.

const PASSWORD = 'backup-admin-password-1';
const PASSPHRASE = 'correct horse battery staple';
const env = { TETHER_BACKUP_PASSPHRASE: PASSPHRASE };

let root: string;
let postgres: PostgresInstance;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tether-backup-'));
  postgres = await startPostgres();
});
after(async () => {
  await postgres.stop();
  await rm(root, { recursive: true, force: true });
});

/** Every table's rows, as the backup sees them: what must come back identical. */
async function contentOf(database: string): Promise<Record<string, unknown[]>> {
  const store: Store = await openStore(database);
  try {
    const content: Record<string, unknown[]> = {};
    for (const table of await store.tableDump.tables()) {
      content[table] = [];
      for await (const page of store.tableDump.rows(table)) content[table].push(...page);
    }
    return content;
  } finally {
    await store.close();
  }
}

async function tether(args: string[], extraEnv: NodeJS.ProcessEnv = env) {
  const result = await runCli(args, { env: extraEnv });
  return { ...result, output: result.stdout + result.stderr };
}

test('a backup restores every table across engines, refuses a wrong passphrase or a damaged file, and the agent reconnects to the restored server', async () => {
  const port = await freePort();
  const first = join(root, 'first');
  const server = await startServerProcess({ dataDir: first, port, password: PASSWORD });
  const agent = await enrollAndRunAgent(server.client, {
    port,
    agentDir: join(root, 'agent'),
    group: 'Backed up',
  });
  let restored: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  try {
    await waitFor('the device to come online', async () =>
      (await server.client.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.find((device) => device.online),
    );
    const user = await server.client.request('POST', '/api/v1/users', {
      username: 'tech1',
      password: 'tech-password-123',
      role: 'technician',
      displayName: 'Tech One',
    });
    assert.equal(user.status, 201, user.text);

    // Taken while the server runs: it opens and is intact.
    const live = join(root, 'live.tbk');
    const whileRunning = await tether(['backup', 'create', '--data-dir', first, '--output', live]);
    assert.equal(whileRunning.code, 0, whileRunning.output);
    assert.match(whileRunning.output, /Database: users, 2 rows/);
    assert.doesNotMatch(whileRunning.output, new RegExp(PASSPHRASE));
    const verified = await tether(['backup', 'verify', live]);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, /intact/);

    // With the server stopped, so that what is compared below cannot move (the agent goes on
    // trying to reconnect).
    await stopProcess(server.process);
    const archive = join(root, 'first.tbk');
    const created = await tether(['backup', 'create', '--data-dir', first, '--output', archive]);
    assert.equal(created.code, 0, created.output);
    assert.match(created.output, /Backup written/);

    const original = await contentOf(`sqlite:${join(first, 'tether.db')}`);
    assert.equal(original.devices?.length, 1);
    assert.ok((original.audit?.length ?? 0) > 0);

    // A wrong passphrase and a damaged file are refused; the target stays empty.
    const refusedDir = join(root, 'refused');
    const wrong = await tether(['restore', archive, '--data-dir', refusedDir], {
      TETHER_BACKUP_PASSPHRASE: 'not the passphrase at all',
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.output, /passphrase is wrong, or the file is damaged\. Nothing was changed/);
    const damaged = join(root, 'damaged.tbk');
    await (await import('node:fs/promises')).copyFile(archive, damaged);
    const handle = await open(damaged, 'r+');
    const middle = Math.floor((await stat(damaged)).size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, middle);
    await handle.write(Buffer.from([byte.readUInt8(0) ^ 0xff]), 0, 1, middle);
    await handle.close();
    const broken = await tether(['restore', damaged, '--data-dir', refusedDir]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.output, /Nothing was changed/);
    assert.deepEqual((await contentOf(`sqlite:${join(refusedDir, 'tether.db')}`)).users, []);

    // SQLite → SQLite.
    const second = join(root, 'second');
    const toSqlite = await tether(['restore', archive, '--data-dir', second]);
    assert.equal(toSqlite.code, 0, toSqlite.output);
    assert.deepEqual(await contentOf(`sqlite:${join(second, 'tether.db')}`), original);
    assert.equal(
      await readFile(join(second, 'keys', 'server-signing.pem'), 'utf8'),
      await readFile(join(first, 'keys', 'server-signing.pem'), 'utf8'),
    );
    const again = await tether(['restore', archive, '--data-dir', second]);
    assert.notEqual(again.code, 0, 'a server with data is not overwritten by accident');
    assert.match(again.output, /--replace/);

    // SQLite → PostgreSQL → SQLite: the migration between engines.
    const pgDir = join(root, 'pg');
    const toPostgres = await tether([
      'restore',
      archive,
      '--data-dir',
      pgDir,
      '--database',
      postgres.url,
    ]);
    assert.equal(toPostgres.code, 0, toPostgres.output);
    assert.deepEqual(await contentOf(postgres.url), original);
    const fromPostgres = join(root, 'from-pg.tbk');
    const pgBackup = await tether([
      ...['backup', 'create', '--data-dir', pgDir, '--database', postgres.url],
      ...['--output', fromPostgres],
    ]);
    assert.equal(pgBackup.code, 0, pgBackup.output);
    const third = join(root, 'third');
    const backToSqlite = await tether(['restore', fromPostgres, '--data-dir', third]);
    assert.equal(backToSqlite.code, 0, backToSqlite.output);
    assert.deepEqual(await contentOf(`sqlite:${join(third, 'tether.db')}`), original);

    // The restored server (same address, another data folder): the agent comes back by itself.
    restored = await startServerProcess({ dataDir: second, port, password: PASSWORD });
    const client = restored.client;
    const device = await waitFor('the agent to reconnect to the restored server', async () =>
      (await client.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.find((candidate) => candidate.online),
    );
    assert.equal(device.group, 'Backed up');
    const signIn = await client.request('POST', '/api/v1/auth/login', {
      username: 'tech1',
      password: 'tech-password-123',
    });
    assert.equal(signIn.status, 200, signIn.text);

    // And to the server moved to PostgreSQL (same address, the data folder restored there).
    await stopProcess(restored.process);
    restored = await startServerProcess({
      dataDir: pgDir,
      port,
      password: PASSWORD,
      database: postgres.url,
    });
    const onPostgres = restored.client;
    const moved = await waitFor('the agent to reconnect to the server on PostgreSQL', async () =>
      (await onPostgres.request('GET', '/api/v1/devices'))
        .json(DeviceList)
        .devices.find((candidate) => candidate.online),
    );
    assert.equal(moved.id, device.id, 'the same device, not enrolled anew');
  } finally {
    await stopProcess(agent);
    await stopProcess(server.process);
    if (restored) await stopProcess(restored.process);
  }
});
