// Rebuilds the production bundles in packages/cli/dist when a source is newer than them. Used by
// ensure-deps.mjs (npm start, npm test) and by the test runner, whose CLI tests run the bundled
// `tether`. Plain Node, no dependencies: ensure-deps.mjs imports it before `npm ci` has run, so
// the build itself (esbuild) runs in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The newest modification time under `path` (node_modules and dist left out). */
export function newestMtime(/** @type {string} */ path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Builds packages/cli/dist (scripts/build.mjs) unless it is newer than every source it is built
 * from; returns whether it built. Throws when the build fails.
 */
export function buildBundlesIfStale() {
  // The agent package's app too (the server ships it to devices): rebuilt with the rest.
  const builtFiles = ['tether.mjs', 'agent-package/tether-agent.mjs'].map((file) =>
    join(root, 'packages/cli/dist', file),
  );
  const sources = ['cli', 'server', 'agent', 'protocol'].map((name) =>
    join(root, 'packages', name, 'src'),
  );
  const newest = Math.max(
    ...sources.map(newestMtime),
    statSync(join(root, 'scripts/build.mjs')).mtimeMs,
  );
  if (builtFiles.every((built) => existsSync(built) && statSync(built).mtimeMs >= newest))
    return false;
  console.log('Building the production bundles…');
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(`scripts/build.mjs failed (exit ${String(result.status)}).`);
  return true;
}
