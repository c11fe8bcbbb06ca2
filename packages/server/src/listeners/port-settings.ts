import { PortSettings, type ListenerName, type ListenerState } from '@tether/protocol';
import type { ServerConfig } from '../config/config.js';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'ports';

/**
 * The ports saved in the admin console or with `tether admin ports set`. They live in the
 * store, not in the config file: the file is the administrator's (and read-only to a service
 * under `ProtectSystem=strict`), and settings in the store travel with backups.
 */
export async function readSavedPorts(store: Store): Promise<PortSettings | null> {
  return readSetting(store.settings, KEY, PortSettings, null);
}

/** Saves ports for the next start; the caller validated them (PortSettings) and audits. */
export async function writeSavedPorts(store: Store, ports: PortSettings): Promise<void> {
  await store.settings.set(KEY, ports);
}

/** What one listener will bind: host, port (null: off) and where the port came from. */
export type ListenerPlan = Pick<ListenerState, 'name' | 'host' | 'requested' | 'source'>;

/**
 * The listeners to bind at start: the config (file, then defaults) overridden by the saved
 * ports, overridden in turn by flags and `TETHER_*` variables (`pinned`): what the person who
 * started the process typed wins.
 */
export function planListeners(
  config: ServerConfig,
  saved: PortSettings | null,
  pinned: readonly ListenerName[],
): Record<ListenerName, ListenerPlan> {
  const plan = (name: ListenerName, host: string, configured: number | null): ListenerPlan => {
    if (saved && !pinned.includes(name))
      return { name, host, requested: saved[name], source: 'console' };
    return {
      name,
      host,
      requested: configured,
      source: pinned.includes(name) ? 'startup' : 'config',
    };
  };
  return {
    https: plan('https', config.listen.host, config.listen.port),
    http: plan('http', config.http?.host ?? config.listen.host, config.http?.port ?? null),
    admin: plan('admin', config.admin.host, config.admin.port),
  };
}
