import { AppError, ProxySettings } from '@tether/protocol';
import type { Store } from '../store/store.js';
import { AddressList, parseNetwork } from './address-list.js';
import type { ProxyTrust } from './forwarded.js';

const KEY = 'proxy';

/** The config file's view of S-11: the starting point until an administrator saves settings. */
export interface ProxyDefaults {
  behindProxy: boolean;
  trustedProxies: readonly string[];
  forwardedHeader: ProxySettings['forwardedHeader'];
}

/**
 * The reverse-proxy settings in force. Saved settings (admin console, `tether admin proxy`)
 * win over the config file's `behindProxy` / `trustedProxies`, which only seed them.
 */
export async function readProxySettings(
  store: Pick<Store, 'settings'>,
  defaults: ProxyDefaults,
): Promise<ProxySettings> {
  const parsed = ProxySettings.safeParse(await store.settings.get(KEY));
  if (parsed.success) return parsed.data;
  // Only these three: `defaults` is often the whole config, which must not reach audit details.
  return {
    behindProxy: defaults.behindProxy,
    trustedProxies: [...defaults.trustedProxies],
    forwardedHeader: defaults.forwardedHeader,
  };
}

/** Validates every entry first; on a bad one nothing is stored and the error names it. */
export async function writeProxySettings(
  store: Pick<Store, 'settings'>,
  settings: ProxySettings,
): Promise<ProxySettings> {
  const trustedProxies = [...new Set(settings.trustedProxies.map((entry) => entry.trim()))].filter(
    Boolean,
  );
  for (const entry of trustedProxies) parseNetwork(entry);
  if (settings.behindProxy && trustedProxies.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      'Name the reverse proxy’s address in trusted proxies too: behind a proxy, every client would otherwise be recorded with the proxy’s address.',
    );
  }
  const saved: ProxySettings = { ...settings, trustedProxies };
  await store.settings.set(KEY, saved);
  return saved;
}

/**
 * The settings as every request and agent connection reads them: synchronously, from memory,
 * reloaded after a change here and periodically (a headless change in the same database).
 *
 * @example
 * const proxy = await loadProxyState(store, config);
 * clientAddress({ peer, headers, trust: proxy.trust() });
 */
export interface ProxyState {
  settings(): ProxySettings;
  trust(): ProxyTrust;
  /** The agents' proof mode (S-11). */
  behindProxy(): boolean;
  reload(): Promise<void>;
}

export async function loadProxyState(
  store: Pick<Store, 'settings'>,
  defaults: ProxyDefaults,
): Promise<ProxyState> {
  let settings = await readProxySettings(store, defaults);
  let trust: ProxyTrust = toTrust(settings);
  return {
    settings: () => settings,
    trust: () => trust,
    behindProxy: () => settings.behindProxy,
    async reload() {
      settings = await readProxySettings(store, defaults);
      trust = toTrust(settings);
    },
  };
}

function toTrust(settings: ProxySettings): ProxyTrust {
  return {
    proxies: new AddressList(settings.trustedProxies),
    header: settings.forwardedHeader,
  };
}
