// An agent package as the server's downloads unpack to (PACKAGE_LAYOUT), assembled here so the
// install tests do not depend on the download routes: the launcher, this machine's Node as the
// runtime, the agent-only bundle with node-pty, installer.json, and a manifest signed with the
// test server's own key.
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  DEFAULT_INSTALLER_ATTRIBUTES,
  type CreateInstallerResponse,
  type InstallerAttributeName,
  type InstallerAttributes,
} from '@tether/protocol';
import {
  PACKAGE_LAYOUT,
  packageSigningInput,
  type InstallerConfig,
  type PackageManifest,
} from '@tether/protocol/agent-package';
import type { TestServer } from './test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGE_VERSION = '0.0.0-test';

/**
 * The agent-only bundle: the esbuild build of packages/cli/src/agent-main.ts that
 * scripts/build.mjs makes (natives outside), made here into `into` rather than read from
 * packages/cli/dist, which the production-bundle test removes and rebuilds while others run.
 */
async function agentApp(into: string): Promise<string> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { 'tether-agent': 'packages/cli/src/agent-main.ts' },
    outdir: into,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // scripts/build.mjs's NATIVE list: what the agent loads stays outside, the rest never loads.
    external: [
      'better-sqlite3',
      'node-pty',
      'bufferutil',
      'utf-8-validate',
      'pg-native',
      'ssh2',
      'cpu-features',
      'radius',
    ],
    define: { __TETHER_BUNDLE__: 'true' },
    banner: {
      js: "import { createRequire as __tetherCreateRequire } from 'node:module'; const require = __tetherCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return into;
}

/** node-pty as the package ships it: package.json, its JavaScript and the prebuilt addon. */
async function copyNodePty(appDir: string): Promise<void> {
  const from = join(ROOT, 'node_modules/node-pty');
  const to = join(appDir, 'node_modules/node-pty');
  await mkdir(join(to, 'build/Release'), { recursive: true });
  await cp(join(from, 'package.json'), join(to, 'package.json'));
  await cp(join(from, 'lib'), join(to, 'lib'), { recursive: true });
  await cp(join(from, 'build/Release/pty.node'), join(to, 'build/Release/pty.node'));
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

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** The parts of a package every test builds the same (~100 MB: Node itself); made once per file. */
export interface AgentBuild {
  dir: string;
  remove(): Promise<void>;
}

export async function createAgentBuild(): Promise<AgentBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-agent-build-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const version = join(dir, PACKAGE_LAYOUT.versionsDir, PACKAGE_VERSION);
    const appDir = join(version, PACKAGE_LAYOUT.appDir);
    const built = await agentApp(join(dir, 'bundle'));
    await cp(built, appDir, { recursive: true, filter: (path) => !path.endsWith('.map') });
    await rm(join(dir, 'bundle'), { recursive: true, force: true });
    await copyNodePty(appDir);
    await mkdir(join(version, 'runtime'), { recursive: true });
    await cp(process.execPath, join(version, PACKAGE_LAYOUT.runtime));
    const launcher = join(dir, PACKAGE_LAYOUT.launcher);
    await cp(join(ROOT, 'packages/agent/launcher/tether-agent.sh'), launcher);
    await chmod(launcher, 0o755);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}

/** What goes into one package's installer.json besides what the installer record says. */
export interface PackageOptions {
  attributes?: Partial<InstallerAttributes>;
  overridable?: InstallerAttributeName[];
  /** Default: the installer's expiry. */
  expiresAt?: string;
  serverUrl?: string;
}

/**
 * One installer's package in `into` (a copy of the build plus installer.json, manifest.json
 * and manifest.sig signed by the test server's key).
 */
export async function writeAgentPackage(
  server: TestServer,
  build: AgentBuild,
  options: PackageOptions & { installer: CreateInstallerResponse; into: string },
): Promise<string> {
  const { installer, into } = options;
  await cp(build.dir, into, { recursive: true });
  const config: InstallerConfig = {
    format: 1,
    installerId: installer.installer.id,
    serverUrl: options.serverUrl ?? server.url,
    token: installer.token,
    attributes: {
      ...DEFAULT_INSTALLER_ATTRIBUTES,
      group: installer.installer.group,
      ...installer.installer.attributes,
      ...options.attributes,
    },
    overridable: options.overridable ?? installer.installer.overridable ?? [],
    expiresAt: options.expiresAt ?? installer.installer.expiresAt,
  };
  await writeFile(
    join(into, PACKAGE_LAYOUT.installerConfig),
    `${JSON.stringify(config, null, 2)}\n`,
  );
  await signAgentPackage(server, into);
  return into;
}

/** (Re)writes manifest.json and manifest.sig for the files in `dir`, signed by the server key. */
export async function signAgentPackage(server: TestServer, dir: string): Promise<void> {
  const unsigned = new Set<string>([PACKAGE_LAYOUT.manifest, PACKAGE_LAYOUT.signature]);
  const files: Record<string, string> = {};
  for (const path of (await listFiles(dir)).filter((file) => !unsigned.has(file)).sort()) {
    files[path] = await sha256(join(dir, path));
  }
  const identity = server.server.context.identity;
  const manifest: PackageManifest = {
    format: 1,
    version: PACKAGE_VERSION,
    platform: 'linux',
    arch: process.arch,
    files,
    signer: identity.publicKey,
    createdAt: new Date().toISOString(),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(dir, PACKAGE_LAYOUT.manifest), text);
  await writeFile(join(dir, PACKAGE_LAYOUT.signature), identity.sign(packageSigningInput(text)));
}
