import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Installed agents of several versions for the upgrade tests: a real agent bundle whose
// version is set at build time (`__TETHER_AGENT_VERSION__`), laid out as the package format
// says (packages/protocol/src/agent/package.ts), and builds stored in a server's data folder.

const runBuffer = (command: string, args: string[]): Promise<{ stdout: Buffer }> =>
  promisify(execFile)(command, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });

/** A body is ustar entries without the end-of-archive blocks (the AgentBuilds port). */
function withoutEndOfArchive(tar: Buffer): Buffer {
  let offset = 0;
  while (offset + 512 <= tar.length && tar[offset] !== 0) {
    const size = parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString('ascii')
        .trim() || '0',
      8,
    );
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return tar.subarray(0, offset);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(root, 'packages/agent/launcher/tether-agent.sh');
const VERSION_PLACEHOLDER = '@@TETHER_AGENT_VERSION@@';
/**
 * Installs live inside the checkout: the bundle keeps node-pty outside (a native addon), and
 * Node finds it by walking up to the checkout's node_modules. A real package ships its own.
 */
const SCRATCH = join(root, 'node_modules', '.cache', 'tether-upgrade-tests');

let bundleText: Promise<string> | undefined;

/** The agent-only bundle (packages/cli/src/agent-main.ts) as one file, built once per process. */
function agentBundle(): Promise<string> {
  bundleText ??= build({
    absWorkingDir: root,
    entryPoints: ['packages/cli/src/agent-main.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [
      'node-pty',
      'bufferutil',
      'utf-8-validate',
      'ssh2',
      'cpu-features',
      'better-sqlite3',
      'pg-native',
      'radius',
    ],
    define: {
      __TETHER_BUNDLE__: 'true',
      __TETHER_AGENT_VERSION__: JSON.stringify(VERSION_PLACEHOLDER),
    },
    banner: {
      js: "import { createRequire as __tetherCreateRequire } from 'node:module'; const require = __tetherCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bundleText;
}

/** What a version's app runs: the real agent of that version, or one that exits 1 at once. */
export type AppKind = 'agent' | 'broken';

/** Writes the launcher and `versions/<version>/` (runtime = this Node, app = `kind`) into `dir`. */
export async function writeVersion(dir: string, version: string, kind: AppKind): Promise<void> {
  const versionDir = join(dir, 'versions', version);
  await mkdir(join(versionDir, 'runtime'), { recursive: true });
  await mkdir(join(versionDir, 'app'), { recursive: true });
  await copyFile(LAUNCHER, join(dir, 'tether-agent'));
  await chmod(join(dir, 'tether-agent'), 0o755);
  // A package ships a copy of Node (100 MB); the tests' builds point at this one.
  await writeFile(
    join(versionDir, 'runtime', 'node'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
    { mode: 0o755 },
  );
  const app =
    kind === 'agent'
      ? (await agentBundle()).replaceAll(VERSION_PLACEHOLDER, version)
      : "console.error('this build is broken on purpose'); process.exit(1);\n";
  await writeFile(join(versionDir, 'app', 'tether-agent.mjs'), app);
}

/** A scratch folder inside the checkout (see SCRATCH), removed by the caller. */
export async function scratchDir(prefix: string): Promise<string> {
  await mkdir(SCRATCH, { recursive: true });
  return mkdtemp(join(SCRATCH, prefix));
}

/** An installed agent of `version` in a new folder: launcher, `versions/<v>`, `current`. */
export async function createInstall(version: string): Promise<string> {
  const dir = await scratchDir('install-');
  await writeVersion(dir, version, 'agent');
  await symlink(join('versions', version), join(dir, 'current'));
  return dir;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, path)));
    else files.push(path);
  }
  return files;
}

/**
 * Stores a build of `version` in a server's data folder as the AgentBuilds port lays it out
 * (`agent-builds/<version>-linux-<arch>/{build.json,body.tar.gz}`), as an upload would.
 */
export async function storeBuild(
  serverDataDir: string,
  version: string,
  kind: AppKind,
): Promise<void> {
  const stage = await scratchDir('build-');
  try {
    await writeVersion(stage, version, kind);
    const files: Record<string, string> = {};
    for (const path of await listFiles(stage))
      files[path] = createHash('sha256')
        .update(await readFile(join(stage, path)))
        .digest('hex');
    const folder = join(serverDataDir, 'agent-builds', `${version}-linux-${process.arch}`);
    await mkdir(folder, { recursive: true });
    const body = join(folder, 'body.tar.gz');
    const { stdout } = await runBuffer('tar', [
      '--format=ustar',
      '-cf',
      '-',
      '-C',
      stage,
      ...Object.keys(files),
    ]);
    await writeFile(body, gzipSync(withoutEndOfArchive(stdout)));
    const build = {
      version,
      platform: 'linux',
      arch: process.arch,
      source: 'upload',
      files,
      bodyBytes: (await stat(body)).size,
      addedAt: new Date().toISOString(),
    };
    await writeFile(join(folder, 'build.json'), JSON.stringify(build));
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** The launcher run as `Restart=always` would: started again each time it exits, until stopped. */
export interface SupervisedAgent {
  output(): string;
  /** How many times the launcher was started. */
  starts(): number;
  stop(): Promise<void>;
}

export function superviseLauncher(installDir: string, args: string[]): SupervisedAgent {
  let output = '';
  let starts = 0;
  let child: ChildProcess | undefined;
  let isStopped = false;
  const start = (): void => {
    starts += 1;
    const started = spawn('sh', [join(installDir, 'tether-agent'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TETHER_AGENT_HOME: '' },
    });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.once('exit', () => {
      // systemd's RestartSec is 100 ms by default; the unit asks for more, the test for little.
      if (!isStopped) setTimeout(start, 200);
    });
  };
  start();
  return {
    output: () => output,
    starts: () => starts,
    async stop() {
      isStopped = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
