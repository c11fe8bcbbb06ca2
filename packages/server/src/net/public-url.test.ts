import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError, PublicUrl } from '@tether/protocol';
import type { SettingsRepository } from '../store/store.js';
import {
  describePublicUrl,
  loadPublicUrlState,
  readSavedPublicUrl,
  writeSavedPublicUrl,
} from './public-url.js';

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

const DETECTED = { detectedHost: 'vm.example.com', port: 8443 };

test('the config file wins, then the saved address, then the detected one', () => {
  const saved = 'https://support.example.com';
  const configured = 'https://proxy.example.com/';
  assert.deepEqual(describePublicUrl({ ...DETECTED, configured: undefined, saved: null }), {
    effective: 'https://vm.example.com:8443',
    source: 'detected',
    configured: null,
    saved: null,
    detected: 'https://vm.example.com:8443',
    warnings: [],
  });
  const withSaved = describePublicUrl({ ...DETECTED, configured: undefined, saved });
  assert.equal(withSaved.effective, saved);
  assert.equal(withSaved.source, 'saved');
  const withConfig = describePublicUrl({ ...DETECTED, configured, saved });
  assert.equal(withConfig.effective, configured, 'the config file is used as written');
  assert.equal(withConfig.source, 'config');
  assert.equal(withConfig.saved, saved, 'the saved value is still shown');
});

test('a loopback address is flagged: other machines cannot reach it', () => {
  const local = describePublicUrl({
    detectedHost: 'localhost',
    port: 443,
    configured: undefined,
    saved: null,
  });
  assert.equal(local.effective, 'https://localhost');
  assert.match(local.warnings[0] ?? '', /localhost is this machine only/);
  const saved = describePublicUrl({
    ...DETECTED,
    configured: undefined,
    saved: 'https://127.0.0.1:9443',
  });
  assert.match(saved.warnings[0] ?? '', /127\.0\.0\.1 is this machine only/);
});

test('addresses are saved as their origin; unusable ones are refused with the reason', async () => {
  assert.equal(
    PublicUrl.parse(' https://Support.Example.com:443/ '),
    'https://support.example.com',
  );
  assert.equal(PublicUrl.parse('https://[fd00::2]:8443'), 'https://[fd00::2]:8443');
  const refusals: [string, RegExp][] = [
    ['http://support.example.com', /must start with https:\/\//],
    ['support.example.com', /is not an address/],
    ['https://support.example.com/tether', /drop "\/tether"/],
    ['https://support.example.com/?a=1', /drop "\?a=1"/],
    ['https://admin:secret@support.example.com', /user name or password/],
  ];
  const store = memoryStore();
  for (const [url, reason] of refusals) {
    await assert.rejects(writeSavedPublicUrl(store, url), (error: unknown) => {
      assert.ok(error instanceof AppError && error.code === 'INVALID_INPUT', url);
      assert.match(error.message, reason);
      assert.doesNotMatch(error.message, /secret/, 'a password typed in the address is not echoed');
      return true;
    });
  }
  assert.equal(await readSavedPublicUrl(store), null, 'nothing was saved');
});

test('the state reads the saved address from memory and picks up a change on reload', async () => {
  const store = memoryStore();
  let port = 8443;
  const state = await loadPublicUrlState({
    store,
    configured: undefined,
    detectedHost: 'vm.example.com',
    port: () => port,
  });
  port = 9443; // bound later: the detected address follows the bound port
  assert.equal(state.url(), 'https://vm.example.com:9443');
  await writeSavedPublicUrl(store, 'https://support.example.com/');
  assert.equal(state.url(), 'https://vm.example.com:9443', 'in memory until reloaded');
  await state.reload();
  assert.equal(state.url(), 'https://support.example.com');
  await writeSavedPublicUrl(store, null);
  await state.reload();
  assert.equal(state.settings().source, 'detected');
});
