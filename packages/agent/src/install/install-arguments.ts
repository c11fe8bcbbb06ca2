import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '@tether/protocol/agent';
import {
  INSTALL_OVERRIDE_OPTIONS,
  PACKAGE_LAYOUT,
  type InstallOverrideOption,
} from '@tether/protocol/agent-package';

/** Values as the command line parser gives them. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** The `--jc-*` options given, by option, as typed (checked against the installer later). */
export type GivenOverrides = Partial<Record<InstallOverrideOption, string | boolean>>;

/** What `tether-agent install` was asked to do, from options, `KEY=value` words and `JC_*` variables. */
export interface InstallArguments {
  packageDir?: string;
  /** A prefix everything is installed under (`DESTDIR`), `/` for a real install. */
  root: string;
  installDir?: string;
  isSilent: boolean;
  shouldStart: boolean;
  /** `--mode` is the same as `--jc-mode`, so it is among these too. */
  overrides: GivenOverrides;
}

/** Options of `install` besides the `--jc-*` ones, and whether each takes a value. */
const PLAIN_OPTIONS = {
  'package-dir': 'string',
  root: 'string',
  'install-dir': 'string',
  mode: 'string',
  silent: 'boolean',
  'no-start': 'boolean',
} as const;

/** `--jc-*` options that are flags (`--jc-ephemeral`), not `--jc-x VALUE`. */
export const FLAG_OVERRIDES: ReadonlySet<InstallOverrideOption> = new Set([
  'jc-ephemeral',
  'jc-minimize-on-start',
]);

const isOverrideOption = (name: string): name is InstallOverrideOption =>
  Object.hasOwn(INSTALL_OVERRIDE_OPTIONS, name);

function parseFlag(key: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)?$/i.test(text)) return false;
  throw new AppError('INVALID_INPUT', `${key}=${text}: give 1 or 0 (true or false).`);
}

/**
 * Reads `KEY=value` words (the package-manager form: the option without its dashes, upper
 * case, dashes as underscores: `JC_TAG=web`, `INSTALL_DIR=/opt/x`, `SILENT=1`) into option
 * values. An unknown key is an error: a typo must not install with a default.
 */
function keyValueOptions(words: readonly string[], source: string): OptionValues {
  const values: OptionValues = {};
  for (const word of words) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(word);
    if (!match) {
      throw new AppError(
        'INVALID_INPUT',
        `"${word}" is not an option: use --name value or NAME=value.`,
      );
    }
    const [, key = '', text = ''] = match;
    const name = key.toLowerCase().replace(/_/g, '-');
    const kind = isOverrideOption(name)
      ? FLAG_OVERRIDES.has(name)
        ? 'boolean'
        : 'string'
      : (PLAIN_OPTIONS as Partial<Record<string, 'string' | 'boolean'>>)[name];
    if (!kind) throw new AppError('INVALID_INPUT', `${source} ${key} is not an install option.`);
    values[name] = kind === 'boolean' ? parseFlag(key, text) : text;
  }
  return values;
}

/** `JC_*` variables of the environment (the .deb's postinst passes them through). */
function environmentOptions(env: NodeJS.ProcessEnv): OptionValues {
  const words = Object.entries(env)
    .filter(([key, value]) => key.startsWith('JC_') && value !== undefined)
    .filter(([key]) => isOverrideOption(key.toLowerCase().replace(/_/g, '-')))
    .map(([key, value]) => `${key}=${value ?? ''}`);
  return keyValueOptions(words, 'The variable');
}

/**
 * Merges the three ways of giving install options; the command line wins over `KEY=value`
 * words, which win over the environment.
 *
 * @example
 * installArguments({ silent: true }, ['JC_TAG=web'], process.env); // overrides: { 'jc-tag': 'web' }
 */
export function installArguments(
  options: OptionValues,
  context: { positionals: readonly string[]; env: NodeJS.ProcessEnv },
): InstallArguments {
  const values: OptionValues = {
    ...environmentOptions(context.env),
    ...keyValueOptions(context.positionals, 'The word'),
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const overrides: GivenOverrides = {};
  for (const name of Object.keys(INSTALL_OVERRIDE_OPTIONS) as InstallOverrideOption[]) {
    const value = values[name];
    if (typeof value === 'string' || value === true) overrides[name] = value;
  }
  const mode = text('mode');
  if (mode !== undefined) overrides['jc-mode'] ??= mode;
  const packageDir = text('package-dir');
  const installDir = text('install-dir');
  return {
    ...(packageDir ? { packageDir: resolve(packageDir) } : {}),
    root: resolve(text('root') ?? '/'),
    ...(installDir ? { installDir: resolve(installDir) } : {}),
    isSilent: values['silent'] === true,
    shouldStart: values['no-start'] !== true,
    overrides,
  };
}

/**
 * The package the running program came from: the nearest folder above its entry that holds
 * the launcher and `versions/` (the launcher runs `<package>/versions/<v>/app/tether-agent.mjs`).
 */
export function launcherFolder(entry: string | undefined): string | undefined {
  if (!entry) return undefined;
  let dir = dirname(resolve(entry));
  for (let depth = 0; depth < 4; depth += 1) {
    const isPackage =
      existsSync(join(dir, PACKAGE_LAYOUT.launcher)) &&
      existsSync(join(dir, PACKAGE_LAYOUT.versionsDir));
    if (isPackage) return dir;
    dir = dirname(dir);
  }
  return undefined;
}
