import { z } from 'zod';
import {
  AppError,
  DirectoryInput,
  type DirectoriesResponse,
  type DirectoryTestResult,
  type DirectoryTestStage,
  type DirectoryView,
} from '@tether/protocol';
import type { ServerConfig } from '../config/config.js';
import type { Store } from '../store/store.js';
import { mapGroups } from '../users/external-users.js';
import type { DirectoryVerdict } from '../auth/sign-in-methods.js';
import { errorText } from './directory-trace.js';
import { createLdapDirectory } from './ldap-directory.js';
import { createRadiusDirectory } from './radius-directory.js';
import type { TraceablePasswordDirectory } from './traceable-directory.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'directories';
const Stored = z.array(DirectoryInput);

export interface DirectoryService {
  /** The enabled directories, in order, as configured now (a change applies to the next sign-in). */
  directories(): Promise<TraceablePasswordDirectory[]>;
  list(): Promise<DirectoriesResponse>;
  /** Replaces the list; a secret left out keeps the one of the same id. */
  replace(directories: readonly DirectoryInput[]): Promise<DirectoriesResponse>;
  /** One check against one directory, with every stage it went through. */
  test(
    id: string,
    credentials: { username: string; password: string },
  ): Promise<DirectoryTestResult>;
}

/** The directory that checks passwords as `settings` describe. */
export function directoryFrom(settings: DirectoryInput): TraceablePasswordDirectory {
  return settings.type === 'ldap' ? createLdapDirectory(settings) : createRadiusDirectory(settings);
}

/** A directory as the API shows it: whether its secret is set, never the secret. */
export function toDirectoryView(settings: DirectoryInput): DirectoryView {
  if (settings.type === 'ldap') {
    const { bindPassword, ...rest } = settings;
    return { ...rest, bindPasswordSet: bindPassword !== undefined };
  }
  const { secret, ...rest } = settings;
  return { ...rest, secretSet: secret !== undefined };
}

/**
 * LDAP and RADIUS directories: from the config file when it has a `directories` key (then
 * read-only here), otherwise from the settings administrators keep in the console.
 */
export function createDirectoryService(deps: {
  store: Store;
  config: ServerConfig;
}): DirectoryService {
  const { store, config } = deps;

  async function current(): Promise<DirectoryInput[]> {
    if (config.directories) return config.directories;
    return readSetting(store.settings, KEY, Stored, []);
  }

  async function list(): Promise<DirectoriesResponse> {
    return {
      directories: (await current()).map(toDirectoryView),
      source: config.directories ? 'config file' : 'settings',
    };
  }

  return {
    async directories() {
      return (await current()).filter((settings) => settings.enabled).map(directoryFrom);
    },
    list,
    async replace(directories) {
      if (config.directories) {
        throw new AppError(
          'CONFLICT',
          'The directories are set in the server config file; change them there.',
        );
      }
      const before = new Map((await current()).map((settings) => [settings.id, settings]));
      const merged = directories.map((settings) => keepSecret(settings, before.get(settings.id)));
      await store.settings.set(KEY, merged);
      return list();
    },
    async test(id, credentials) {
      const settings = (await current()).find((candidate) => candidate.id === id);
      if (!settings) throw new AppError('NOT_FOUND', `No directory "${id}".`);
      const stages: DirectoryTestStage[] = [];
      let verdict: DirectoryVerdict;
      try {
        verdict = await directoryFrom(settings).check(credentials, (stage) => stages.push(stage));
      } catch (error) {
        return { outcome: 'error', message: errorText(error), stages, groups: [], mapped: null };
      }
      return testResult(verdict, stages);
    },
  };
}

function keepSecret(settings: DirectoryInput, before: DirectoryInput | undefined): DirectoryInput {
  if (before?.type !== settings.type) return settings;
  if (settings.type === 'ldap' && before.type === 'ldap')
    return { ...settings, bindPassword: settings.bindPassword ?? before.bindPassword };
  if (settings.type === 'radius' && before.type === 'radius')
    return { ...settings, secret: settings.secret ?? before.secret };
  return settings;
}

function testResult(verdict: DirectoryVerdict, stages: DirectoryTestStage[]): DirectoryTestResult {
  switch (verdict.result) {
    case 'accepted': {
      const { groups } = verdict.identity;
      const mapped = mapGroups(groups, verdict.mapping) ?? null;
      stages.push({
        stage: 'mapping',
        ok: mapped !== null,
        detail: mapped
          ? `Role ${mapped.role}${mapped.teams.length > 0 ? `, teams ${mapped.teams.join(', ')}` : ''}.`
          : 'Not mapped: no rule matches and there is no default role, so this user is refused.',
      });
      return { outcome: 'accepted', stages, groups: [...groups], mapped };
    }
    case 'rejected':
      return { outcome: 'rejected', message: verdict.reason, stages, groups: [], mapped: null };
    case 'unknown':
      return { outcome: 'unknown', message: 'No such user.', stages, groups: [], mapped: null };
    case 'challenge':
      return { outcome: 'challenge', message: verdict.message, stages, groups: [], mapped: null };
  }
}
