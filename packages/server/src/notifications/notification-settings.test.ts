import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@tether/protocol';
import {
  readNotificationSettings,
  toSettingsView,
  writeNotificationSettings,
  type NotificationSettings,
} from './notification-settings.js';

function memoryStore() {
  const values = new Map<string, unknown>();
  return {
    settings: {
      get: (key: string) => Promise.resolve(values.get(key)),
      set: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
    },
  };
}

const smtp = {
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  username: 'tether',
  from: 'tether@example.com',
  allowUntrustedCertificate: false,
} as const;
const hook = { id: 'chat', url: 'https://hooks.example.com/t', kinds: ['server.error' as const] };
const base: NotificationSettings = { smtp: null, webhooks: [], kinds: {} };

describe('notification settings', () => {
  it('keep the password and webhook secret when saved without them, and never show them', async () => {
    const store = memoryStore();
    await writeNotificationSettings(store, {
      ...base,
      smtp: { ...smtp, password: 'relay-password' },
      webhooks: [{ ...hook, secret: 'hook-secret' }],
    });
    await writeNotificationSettings(store, { ...base, smtp, webhooks: [hook] });
    const stored = await readNotificationSettings(store);
    assert.equal(stored.smtp?.password, 'relay-password');
    assert.equal(stored.webhooks[0]?.secret, 'hook-secret');
    const view = JSON.stringify(toSettingsView(stored));
    assert.doesNotMatch(view, /relay-password|hook-secret/);
    assert.match(view, /"passwordSet":true/);
    assert.match(view, /"secretSet":true/);
  });

  it('drop the password when the account changes', async () => {
    const store = memoryStore();
    await writeNotificationSettings(store, { ...base, smtp: { ...smtp, password: 'old' } });
    await writeNotificationSettings(store, { ...base, smtp: { ...smtp, username: 'other' } });
    assert.equal((await readNotificationSettings(store)).smtp?.password, undefined);
  });

  it('refuse a new webhook without a secret, and change nothing', async () => {
    const store = memoryStore();
    await writeNotificationSettings(store, { ...base, smtp });
    await assert.rejects(
      writeNotificationSettings(store, { ...base, webhooks: [hook] }),
      (error: unknown) => error instanceof AppError && /needs a secret/.test(error.message),
    );
    assert.equal((await readNotificationSettings(store)).smtp?.host, smtp.host);
    assert.deepEqual((await readNotificationSettings(store)).webhooks, []);
  });
});
