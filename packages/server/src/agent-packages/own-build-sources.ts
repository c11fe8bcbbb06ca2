import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_LAYOUT } from '@tether/protocol/agent-package';

/** One file of a build: where it goes (relative path in the build) and where it comes from. */
export interface BuildSource {
  path: string;
  from: string;
  mode: number;
}

/** Where the parts of the server's own agent build come from (tests give small stand-ins). */
export interface OwnBuildInputs {
  /** The Node binary devices run on: the server's own (`process.execPath`). */
  runtime: string;
  /** The agent-only bundle: `packages/cli/dist/agent-package` (scripts/build.mjs). */
  appDir: string;
  /** The launcher script: `packages/agent/launcher/tether-agent.sh`. */
  launcher: string;
  /** The folder the native modules resolve from (`node-pty`, `bufferutil`). */
  resolveFrom: string;
}

/** The checkout (or installed program folder): the first ancestor that holds `packages/agent`. */
function programRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'packages', 'agent', 'launcher'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Tether program folder (packages/agent).');
    dir = parent;
  }
  return dir;
}

/** The inputs of the installation this server runs from. */
export function installedBuildInputs(): OwnBuildInputs {
  const root = programRoot();
  return {
    runtime: process.execPath,
    appDir: join(root, 'packages', 'cli', 'dist', 'agent-package'),
    launcher: join(root, 'packages', 'agent', 'launcher', 'tether-agent.sh'),
    resolveFrom: join(root, 'packages', 'agent', 'package.json'),
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The files of a native module the agent needs at run time, and nothing else: its
 * package.json, its JavaScript (no tests, no maps, no sources) and the addon built for this
 * machine. node-pty's folder is 63 MiB with its sources and Windows parts; this keeps ~100 KiB.
 */
const NATIVE_MODULES: { name: string; keep: RegExp; isOptional: boolean }[] = [
  {
    name: 'node-pty',
    keep: /^(package\.json|LICENSE|lib\/[^/]+\.js|lib\/(shared|worker)\/[^/]+\.js|build\/Release\/pty\.node)$/,
    isOptional: false,
  },
  // ws's faster masking; ws falls back to JavaScript without it.
  {
    name: 'bufferutil',
    keep: new RegExp(
      `^(package\\.json|LICENSE|index\\.js|fallback\\.js|prebuilds/linux-${process.arch}/[^/]+\\.node)$`,
    ),
    isOptional: true,
  },
  {
    name: 'node-gyp-build',
    keep: /^(package\.json|LICENSE|index\.js|node-gyp-build\.js)$/,
    isOptional: true,
  },
];

function isTestFile(path: string): boolean {
  return /\.test\.js$/.test(path) || /(^|\/)windows|conpty/i.test(path);
}

async function nativeModuleSources(inputs: OwnBuildInputs, appDir: string): Promise<BuildSource[]> {
  const require = createRequire(inputs.resolveFrom);
  const sources: BuildSource[] = [];
  for (const module of NATIVE_MODULES) {
    let folder: string;
    try {
      folder = dirname(require.resolve(`${module.name}/package.json`));
    } catch (error) {
      if (module.isOptional) continue;
      throw new Error(`The agent build needs ${module.name}, which is not installed.`, {
        cause: error,
      });
    }
    for (const file of await filesUnder(folder)) {
      const path = relative(folder, file).split(sep).join('/');
      if (!module.keep.test(path) || isTestFile(path)) continue;
      sources.push({
        path: `${appDir}/node_modules/${module.name}/${path}`,
        from: file,
        mode: path.endsWith('.node') ? 0o755 : 0o644,
      });
    }
  }
  return sources;
}

/**
 * Every file of the server's own build, in the build's layout (protocol PACKAGE_LAYOUT):
 * the launcher, `versions/<v>/runtime/node`, the app and its native modules.
 */
export async function ownBuildSources(
  version: string,
  inputs: OwnBuildInputs,
): Promise<BuildSource[]> {
  if (!existsSync(join(inputs.appDir, 'tether-agent.mjs'))) {
    throw new Error(
      `The agent package's app is not built (${inputs.appDir}): run \`node scripts/build.mjs\`.`,
    );
  }
  const versionDir = `${PACKAGE_LAYOUT.versionsDir}/${version}`;
  const appDir = `${versionDir}/${PACKAGE_LAYOUT.appDir}`;
  const app = (await filesUnder(inputs.appDir))
    .filter((file) => !file.endsWith('.map'))
    .map((file) => ({
      path: `${appDir}/${relative(inputs.appDir, file).split(sep).join('/')}`,
      from: file,
      mode: 0o644,
    }));
  return [
    { path: PACKAGE_LAYOUT.launcher, from: inputs.launcher, mode: 0o755 },
    { path: `${versionDir}/${PACKAGE_LAYOUT.runtime}`, from: inputs.runtime, mode: 0o755 },
    ...app,
    ...(await nativeModuleSources(inputs, appDir)),
  ];
}
