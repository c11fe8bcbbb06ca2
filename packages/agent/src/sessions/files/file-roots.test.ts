import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createFileRoots, PathRefusedError, type FileRoots } from './file-roots.js';

let work: string;
let root: string;
let roots: FileRoots;

before(async () => {
  work = await realpath(await mkdtemp(join(tmpdir(), 'tether-roots-')));
  root = join(work, 'root');
  await mkdir(join(root, 'docs'), { recursive: true });
  await mkdir(join(work, 'root-sibling'));
  await writeFile(join(root, 'docs', 'a.txt'), 'a');
  await symlink(join(work, 'root-sibling'), join(root, 'out'));
  await symlink(join(root, 'docs'), join(root, 'in'));
  roots = await createFileRoots([root]);
});
after(() => rm(work, { recursive: true, force: true }));

test('paths inside the root resolve, relative ones against the first root', async () => {
  assert.equal(await roots.existing(join(root, 'docs', 'a.txt')), join(root, 'docs', 'a.txt'));
  assert.equal(await roots.existing('docs/a.txt'), join(root, 'docs', 'a.txt'));
  assert.equal(await roots.existing(join(root, 'in', 'a.txt')), join(root, 'docs', 'a.txt'));
  assert.equal(await roots.entry(join(root, 'docs', 'new.txt')), join(root, 'docs', 'new.txt'));
});

test('"..", absolute paths outside and symlinks leading out are refused', async () => {
  const refused = [
    () => roots.existing(`${root}/docs/../docs/a.txt`),
    () => roots.existing('/etc/passwd'),
    () => roots.existing(join(work, 'root-sibling')), // shares the root's name as a prefix
    () => roots.existing(join(root, 'out')),
    () => roots.entry(join(root, 'out', 'planted.txt')),
    () => roots.entry('/tmp/planted.txt'),
  ];
  for (const attempt of refused) await assert.rejects(attempt, PathRefusedError);
});
