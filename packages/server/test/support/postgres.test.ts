import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findPostgresBinDir } from './postgres.js';

describe('findPostgresBinDir', () => {
  let root = '';
  const savedOverride = process.env.TETHER_PG_BIN;
  before(async () => {
    delete process.env.TETHER_PG_BIN;
    root = await mkdtemp(join(tmpdir(), 'tether-pg-root-'));
  });
  after(async () => {
    if (savedOverride !== undefined) process.env.TETHER_PG_BIN = savedOverride;
    await rm(root, { recursive: true, force: true });
  });

  it('fails with an install hint when no PostgreSQL version is present', () => {
    assert.throws(() => findPostgresBinDir(root), /install the Debian package `postgresql`/);
  });

  it('picks the newest version that has a server binary', async () => {
    for (const version of ['9.6', '15', '16']) {
      await mkdir(join(root, version, 'bin'), { recursive: true });
    }
    await writeFile(join(root, '9.6', 'bin', 'postgres'), '');
    await writeFile(join(root, '15', 'bin', 'postgres'), '');
    // 16 has no server binary (client-only install), so it does not count.
    assert.equal(findPostgresBinDir(root), join(root, '15', 'bin'));
  });
});
