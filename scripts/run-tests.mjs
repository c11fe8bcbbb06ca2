// Runs every test file with Node's test runner, two files at a time by default. The file list is
// expanded here because Node 20's runner finds no .ts files from a folder or a quoted glob. The
// files run as esbuild bundles built first (scripts/test-bundles.mjs), not through tsx.
//
// Each file runs in its own `node --test` with a deadline: a file that hangs is killed (its whole
// process group: servers, agents, browsers it started) and reported by name with what it printed,
// instead of stalling the run until CI gives up. Output is printed a file at a time, when the
// file ends, so it reads in order.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { buildBundlesIfStale } from './fresh-bundles.mjs';
import { bundleTests } from './test-bundles.mjs';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
/** One test may take this long before it fails as timed out. */
const TEST_TIMEOUT_MS = 240_000;
/** A whole file may take this long before it is killed (TETHER_TEST_FILE_TIMEOUT_S to change). */
const FILE_TIMEOUT_MS = Number(process.env.TETHER_TEST_FILE_TIMEOUT_S ?? 480) * 1000;
/** No file starts after this long (the whole suite takes minutes; CI gives up at 90). */
const RUN_BUDGET_MS = 40 * 60_000;
/**
 * Files run at once (TETHER_TEST_CONCURRENCY to change). Two on the 2-core CI machine: the
 * end-to-end files run servers, agents and Chromium, and several assert on timing (a sign-in
 * during a flood, an admission storm) that a busier machine would turn into flakes.
 */
const CONCURRENCY = Math.max(1, Number(process.env.TETHER_TEST_CONCURRENCY ?? 2) || 2);

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

// bench/ and scripts/ hold unit tests of their own helpers (option parsing, the cycle finder).
let files = [
  ...collect(join(root, 'packages')),
  ...collect(join(root, 'test')),
  ...collect(join(root, 'bench')),
  ...collect(join(root, 'scripts')),
].sort();
if (unitOnly)
  files = files.filter((file) => !file.includes('/e2e/') && !file.endsWith('.e2e.test.ts'));
if (filters.length) files = files.filter((file) => filters.some((filter) => file.includes(filter)));
if (files.length === 0) {
  console.error('No test files matched.');
  process.exit(1);
}
// The end-to-end tests run `tether` commands, servers and agents as child processes: from the
// production bundle (test/support/cli.ts), rebuilt here first when a source is newer (~5 s), as
// tsx compiling the sources again in each of them costs ~1.5 s a process.
const runsCli = files.some((file) => file.startsWith('test/'));
if (runsCli) buildBundlesIfStale();
// The test files themselves run as bundles (scripts/test-bundles.mjs: a fifth of the suite's CPU
// was tsx loading the sources again in each file); TETHER_TEST_TSX=1 runs them through tsx.
const fromSources = process.env.TETHER_TEST_TSX === '1';
const bundles = fromSources ? undefined : await bundleTests(files);
// Agents under test start login shells in their user's home. An empty home of their own keeps
// the machine's dotfiles out of the tests (a shell killed while ~/.bashrc ran `pyenv rehash`
// once left a lock that hung every later shell on the machine).
const home = mkdtempSync(join(tmpdir(), 'tether-test-home-'));
const env = {
  ...process.env,
  HOME: home,
  TETHER_TEST: '1',
  NODE_OPTIONS: '',
  ...(runsCli && { TETHER_TEST_CLI_BUNDLE: join(root, 'packages/cli/dist/tether.mjs') }),
};

/**
 * @typedef {{ file: string, code: number | null, timedOut: boolean, output: string,
 *   seconds: number, counts: Record<string, number> }} FileResult
 */

/** How to kill the process group of each file still running. @type {Set<(signal: NodeJS.Signals) => void>} */
const running = new Set();

/** @param {string} file @returns {Promise<FileResult>} */
function runFile(file) {
  const started = Date.now();
  const args = bundles ? ['--test'] : ['--import', 'tsx', '--test'];
  args.push('--test-reporter=spec', `--test-timeout=${TEST_TIMEOUT_MS}`);
  args.push(bundles?.bundleOf.get(file) ?? file);
  // detached: its own process group, so a hung file is killed with everything it started.
  const child = spawn(process.execPath, args, { cwd: root, env, detached: true });
  let output = '';
  child.stdout.on('data', (data) => (output += data.toString('utf8')));
  child.stderr.on('data', (data) => (output += data.toString('utf8')));
  let timedOut = false;
  /** @param {NodeJS.Signals} signal */
  const killGroup = (signal) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    // SIGINT first: the runner then prints the tests that finished, so the one that hung is
    // the next in the file.
    child.kill('SIGINT');
    setTimeout(() => killGroup('SIGKILL'), 5000).unref();
  }, FILE_TIMEOUT_MS);
  running.add(killGroup);
  return new Promise((resolve) => {
    let done = false;
    /** @param {number | null} code */
    const finish = (code) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      running.delete(killGroup);
      /** @type {Record<string, number>} */
      const counts = {};
      for (const match of output.matchAll(/^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm))
        counts[match[1] ?? ''] = Number(match[2]);
      const seconds = (Date.now() - started) / 1000;
      if (bundles) output = bundles.toSources(output);
      resolve({ file, code, timedOut, output, seconds, counts });
    };
    child.on('close', finish);
    // A process the file started outside its group may still hold the output pipes open.
    child.on('exit', (code) => setTimeout(() => finish(code), 10_000).unref());
  });
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const kill of running) kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    bundles?.remove();
    process.exit(1);
  });

/** @type {FileResult[]} */
const results = [];
const queue = [...files];
/** @type {string[]} */
const skipped = [];
const started = Date.now();
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (Date.now() - started > RUN_BUDGET_MS) {
        skipped.push(file);
        continue;
      }
      const result = await runFile(file);
      results.push(result);
      const verdict = result.timedOut
        ? `KILLED after ${FILE_TIMEOUT_MS / 1000} s: the test after the last one shown hung`
        : result.code === 0
          ? 'ok'
          : `FAILED (exit ${String(result.code)})`;
      process.stdout.write(`\n# ${file}: ${verdict}, ${result.seconds.toFixed(1)} s\n`);
      process.stdout.write(result.output);
    }
  }),
);
rmSync(home, { recursive: true, force: true });
bundles?.remove();

/** @param {string} key */
const total = (key) => results.reduce((sum, result) => sum + (result.counts[key] ?? 0), 0);
const failed = results.filter((result) => result.code !== 0 || result.timedOut);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(
  `\n# ${results.length} files, ${total('tests')} tests: ${total('pass')} passed, ` +
    `${total('fail')} failed, ${total('cancelled')} cancelled, ${total('skipped')} skipped ` +
    `in ${minutes} min`,
);
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
console.log(
  `# slowest: ${slowest.map((result) => `${result.file} ${result.seconds.toFixed(0)} s`).join(', ')}`,
);
if (skipped.length > 0)
  console.log(
    `# not run, the run took over ${RUN_BUDGET_MS / 60_000} min:\n` +
      skipped.map((file) => `#   ${file}`).join('\n'),
  );
if (failed.length > 0) {
  // Again at the end, where a reader of only the log's tail (a CI summary) still sees why.
  for (const result of failed) console.log(`\n# why ${result.file} failed:\n${whyFailed(result)}`);
  console.log(`# failed files:\n${failed.map((result) => `#   ${result.file}`).join('\n')}`);
}
if (failed.length > 0 || skipped.length > 0) process.exit(1);

/**
 * A failed file's failures: from its first failed test or hook (`✖`) on, without the summary
 * counts, at most 120 lines; a file that failed with no `✖` (it crashed or was killed) shows its
 * last 60 lines.
 * @param {FileResult} result
 */
function whyFailed(result) {
  const lines = result.output.split('\n').filter((line) => !/^ℹ /.test(line));
  const first = lines.findIndex((line) => /^\s*✖/.test(line));
  const shown = first >= 0 ? lines.slice(first, first + 120) : lines.slice(-60);
  return shown.join('\n');
}
