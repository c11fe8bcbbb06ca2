// Runs every test with Node's test runner. The file list is expanded here because Node 20's
// runner finds no .ts files from a folder or a quoted glob.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

/** @param {string} dir @param {string[]} found @returns {string[]} */
function collect(dir, found = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (entry.endsWith('.test.ts') || entry.endsWith('.test.tsx'))
      found.push(relative(root, path));
  }
  return found;
}

let files = [...collect(join(root, 'packages')), ...collect(join(root, 'test'))].sort();
if (unitOnly)
  files = files.filter((file) => !file.includes('/e2e/') && !file.endsWith('.e2e.test.ts'));
if (filters.length) files = files.filter((file) => filters.some((filter) => file.includes(filter)));
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
// Agents under test start login shells in their user's home. An empty home of their own keeps
// the machine's dotfiles out of the tests (a shell killed while ~/.bashrc ran `pyenv rehash`
// once left a lock that hung every later shell on the machine).
const home = mkdtempSync(join(tmpdir(), 'tether-test-home-'));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HOME: home, TETHER_TEST: '1', NODE_OPTIONS: '' },
  },
);
rmSync(home, { recursive: true, force: true });
process.exit(result.status ?? 1);
