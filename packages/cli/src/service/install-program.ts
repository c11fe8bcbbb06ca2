import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import { BUNDLE_ENTRY } from './systemd-unit.js';

const BUNDLE_DIR = 'packages/cli/dist';
const CONSOLE_DIR = 'packages/console/dist';
const PACKAGE_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/;
const IMPORTED = /(?:from\s*"|import\(\s*"|require\(\s*")([^"]+)"/g;

/** The package a specifier names (`pkg/sub` → `pkg`, `@scope/pkg/sub` → `@scope/pkg`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * The packages the bundle loads from node_modules at run time: the build leaves native addons
 * and a few others outside (scripts/build.mjs), and the bundle's own import lines are the list,
 * so it cannot drift from the build. Optional ones that are not installed (pg-native) are left
 * out: the bundle loads them inside a try.
 */
function externalPackages(bundleDir: string, modules: string): string[] {
  const builtins = new Set(builtinModules);
  const found = new Set<string>();
  for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.mjs'))) {
    for (const match of readFileSync(join(bundleDir, file), 'utf8').matchAll(IMPORTED)) {
      const specifier = match[1] ?? '';
      if (!PACKAGE_NAME.test(specifier) && !PACKAGE_NAME.test(packageOf(specifier))) continue;
      const name = packageOf(specifier);
      if (builtins.has(name) || specifier.startsWith('node:')) continue;
      if (existsSync(join(modules, name, 'package.json'))) found.add(name);
    }
  }
  return [...found];
}

/** Those packages and everything they depend on (dependencies and installed optional ones). */
function withDependencies(roots: string[], modules: string): string[] {
  const seen = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    const manifest = join(modules, name, 'package.json');
    if (!existsSync(manifest)) continue;
    seen.add(name);
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(
      readFileSync(manifest, 'utf8'),
    ) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    pending.push(...Object.keys(dependencies), ...Object.keys(optionalDependencies));
  }
  return [...seen].sort();
}

/**
 * Copies the production bundle, the console and the node_modules the bundle needs from a
 * checkout (`from`, built with `npm run build`) into `programDir`, keeping the checkout's
 * layout so the bundle finds the console (console-dir.ts) and its native modules. The old
 * program is replaced as a whole (an upgrade is a reinstall). Returns the packages copied.
 */
export async function installProgram(from: string, programDir: string): Promise<string[]> {
  const bundleDir = join(from, BUNDLE_DIR);
  if (!existsSync(join(from, BUNDLE_ENTRY)))
    throw new AppError(
      'INVALID_INPUT',
      `There is no built bundle in ${bundleDir}: run \`npm run build\` in the checkout first (or give --from DIR).`,
    );
  if (resolve(from) === resolve(programDir))
    throw new AppError(
      'INVALID_INPUT',
      `${programDir} is the program being replaced: run the install from the checkout you built, or give --from CHECKOUT.`,
    );
  const modules = join(from, 'node_modules');
  const packages = withDependencies(externalPackages(bundleDir, modules), modules);
  await removeProgram(programDir);
  await mkdir(programDir, { recursive: true, mode: 0o755 });
  await cp(bundleDir, join(programDir, BUNDLE_DIR), { recursive: true });
  if (existsSync(join(from, CONSOLE_DIR)))
    await cp(join(from, CONSOLE_DIR), join(programDir, CONSOLE_DIR), { recursive: true });
  for (const name of packages)
    await cp(join(modules, name), join(programDir, 'node_modules', name), { recursive: true });
  return packages;
}

/**
 * Removes an installed program, only if it is one (its bundle entry is there): a mistyped
 * `--program-dir /usr` must not delete a system directory.
 */
export async function removeProgram(programDir: string): Promise<boolean> {
  if (!existsSync(programDir)) return false;
  if (readdirSync(programDir).length > 0 && !existsSync(join(programDir, BUNDLE_ENTRY)))
    throw new AppError(
      'INVALID_INPUT',
      `${programDir} exists but holds no Tether program (${BUNDLE_ENTRY}); not removing it. Choose another --program-dir or remove it yourself.`,
    );
  await rm(programDir, { recursive: true, force: true });
  return true;
}
