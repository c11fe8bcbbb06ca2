// Makes a fresh clone runnable: installs npm dependencies, builds the console and the production
// bundles, and (with --test) installs the Debian packages the tests use. Plain Node, no
// dependencies: it runs before `npm ci`. Idempotent and quick when everything is already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildBundlesIfStale, newestMtime } from './fresh-bundles.mjs';

const root = new URL('..', import.meta.url).pathname;
const forTests = process.argv.includes('--test');
const env = { ...process.env };
if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr'; // native addons build from source here

/** Debian packages the test suite drives (DESIGN.md, Stack). */
const TEST_PACKAGES = [
  'xvfb',
  'x11vnc',
  'tigervnc-standalone-server',
  'xterm',
  'x11-apps',
  'x11-utils',
  'chromium',
  'fonts-liberation',
  'openssh-server',
  'openssh-sftp-server',
  'openssl',
  'postgresql',
  'nats-server',
  'tinyproxy',
  // Directories and single sign-on (issue 12): real servers the sign-in tests talk to.
  'slapd',
  'ldap-utils',
  'freeradius',
  'freeradius-utils',
  'simplesamlphp',
  'php-cli',
  // SimpleSAMLphp needs PHP's DOM (its Debian package does not depend on it).
  'php-xml',
  // Administration (issue 13): a real TLS-terminating reverse proxy in front of the server.
  'haproxy',
  // Agent packages (issue 14): a minimal Debian with no Node and no compiler to install into.
  'debootstrap',
];

/**
 * The throw-away Debian the agent package tests install into (copied per test, never changed):
 * `debootstrap --variant=minbase`, so it has tar, gzip and useradd but no Node and no compiler.
 */
const MINBASE_ROOT = '/var/cache/tether-tests/debian-minbase';

/** @param {string} command @param {string[]} args */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

function npmInstallIfNeeded() {
  const marker = join(root, 'node_modules/.package-lock.json');
  if (
    existsSync(marker) &&
    statSync(marker).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs
  )
    return;
  console.log(
    'Installing npm dependencies (native modules build from source; this takes a minute)…',
  );
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function buildConsoleIfNeeded() {
  const built = join(root, 'packages/console/dist/index.html');
  const sources = [
    'packages/console/src',
    'packages/console/index.html',
    'packages/console/vite.config.ts',
    'packages/sdk/src',
    'packages/protocol/src',
  ];
  const newest = Math.max(...sources.map((path) => newestMtime(join(root, path))));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  console.log('Building the console…');
  run('npm', ['run', 'build', '-w', '@tether/console']);
}

/** @param {string} name */
function isInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).includes('install ok installed');
  } catch {
    return false;
  }
}

function aptInstallIfNeeded() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    console.warn(
      `Not a Debian system: install these yourself if tests fail: ${TEST_PACKAGES.join(' ')}`,
    );
    return;
  }
  const missing = TEST_PACKAGES.filter((name) => !isInstalled(name));
  if (missing.length === 0) return;
  console.log(`Installing Debian packages for the tests: ${missing.join(' ')}`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  /** @param {string[]} args */
  const apt = (args) =>
    run(asRoot[0] ?? 'apt-get', asRoot.length ? [...asRoot.slice(1), 'apt-get', ...args] : args);
  env.DEBIAN_FRONTEND = 'noninteractive';
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

/** Makes {@link MINBASE_ROOT} once per machine (about 30 s, from Debian's mirror). */
function debootstrapIfNeeded() {
  if (existsSync(join(MINBASE_ROOT, 'usr/bin/tar')) || process.getuid?.() !== 0) return;
  console.log(`Making a minimal Debian for the agent package tests in ${MINBASE_ROOT}…`);
  const partial = `${MINBASE_ROOT}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(MINBASE_ROOT), { recursive: true });
  const mirror = debianMirror();
  run('debootstrap', ['--variant=minbase', 'bookworm', partial, mirror]);
  renameSync(partial, MINBASE_ROOT);
}

/** The mirror this machine's apt uses (the only one reachable offline), else Debian's own. */
function debianMirror() {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const found = /(?:URIs:|^deb)\s+(https?:\/\/\S+)/m.exec(text);
    if (found?.[1]) return found[1];
  }
  return 'http://deb.debian.org/debian';
}

npmInstallIfNeeded();
buildConsoleIfNeeded();
// The production bundles `npm start` runs, rebuilt when a source is newer.
try {
  buildBundlesIfStale();
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (forTests) {
  aptInstallIfNeeded();
  debootstrapIfNeeded();
}
