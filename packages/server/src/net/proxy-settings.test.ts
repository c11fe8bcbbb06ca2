import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@tether/protocol';
import type { SettingsRepository } from '../store/store.js';
import { loadProxyState, readProxySettings, writeProxySettings } from './proxy-settings.js';

function memoryStore(): { settings: SettingsRepository } {
  const values = new Map<string, unknown>();
  return {
    settings: {
      get: (key) => Promise.resolve(values.get(key)),
      set: (key, value) => {
        values.set(key, value);
        return Promise.resolve();
      },
    },
  };
}

const CONFIG = {
  behindProxy: false,
  trustedProxies: ['10.0.0.5'],
  forwardedHeader: 'x-forwarded-for' as const,
};

test('the config file seeds the settings until an administrator saves some', async () => {
  const store = memoryStore();
  assert.deepEqual(await readProxySettings(store, CONFIG), CONFIG);
  await writeProxySettings(store, { ...CONFIG, behindProxy: true });
  assert.equal((await readProxySettings(store, CONFIG)).behindProxy, true);
});

test('seeded from the whole server config, the settings hold only their own three fields', async () => {
  // The server and the CLI pass their whole config; it must not reach audit details.
  const config = { ...CONFIG, dataDir: '/var/lib/tether', singleSignOn: { providers: [] } };
  assert.deepEqual(await readProxySettings(memoryStore(), config), CONFIG);
});

test('entries are trimmed and deduplicated; a bad one is refused by name and nothing is stored', async () => {
  const store = memoryStore();
  const saved = await writeProxySettings(store, {
    ...CONFIG,
    trustedProxies: [' 10.0.0.5', '10.0.0.5', 'fd00::/64'],
  });
  assert.deepEqual(saved.trustedProxies, ['10.0.0.5', 'fd00::/64']);
  await assert.rejects(
    writeProxySettings(store, { ...CONFIG, trustedProxies: ['10.0.0.0/8', 'proxy.local'] }),
    (error) => error instanceof AppError && /"proxy\.local"/.test(error.message),
  );
  assert.deepEqual((await readProxySettings(store, CONFIG)).trustedProxies, saved.trustedProxies);
});

test('behind a proxy needs the proxy among the trusted ones', async () => {
  await assert.rejects(
    writeProxySettings(memoryStore(), { ...CONFIG, behindProxy: true, trustedProxies: [] }),
    (error) => error instanceof AppError && /trusted proxies/.test(error.message),
  );
});

test('the live state follows a reload', async () => {
  const store = memoryStore();
  const state = await loadProxyState(store, CONFIG);
  assert.equal(state.behindProxy(), false);
  assert.ok(state.trust().proxies.has('10.0.0.5'));
  await writeProxySettings(store, { ...CONFIG, behindProxy: true, trustedProxies: ['10.0.0.6'] });
  await state.reload();
  assert.equal(state.behindProxy(), true);
  assert.ok(!state.trust().proxies.has('10.0.0.5'));
});
