import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CertificateSummary, Notification } from '@tether/protocol';
import { dueThreshold, notifyCertificateExpiry } from './certificate-expiry.js';

test('the tightest threshold reached is due once; passed ones are not sent late', () => {
  assert.equal(dueThreshold(45, []), undefined);
  assert.equal(dueThreshold(30, []), 30);
  assert.equal(dueThreshold(29, [30]), undefined);
  assert.equal(dueThreshold(7, [30]), 7);
  assert.equal(dueThreshold(5, []), 7, 'a server down through the 30-day mark');
  assert.equal(dueThreshold(1, [30, 7]), 1);
  assert.equal(dueThreshold(0, [30, 7, 1]), undefined);
  assert.equal(dueThreshold(-3, []), 1, 'an expired certificate is notified once');
});

function memorySettings(): {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
} {
  const values = new Map<string, unknown>();
  return {
    get: (key) => Promise.resolve(values.get(key)),
    set: (key, value) => {
      values.set(key, value);
      return Promise.resolve();
    },
  };
}

function certificate(fingerprint: string, daysLeft: number): CertificateSummary {
  return {
    source: 'uploaded',
    subject: 'CN=tether.example.com',
    issuer: 'CN=CA',
    names: ['tether.example.com'],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    daysLeft,
    fingerprint,
    fingerprintHex: 'AA',
    selfSigned: false,
    keyType: 'rsa 2048',
    chainLength: 1,
  };
}

test('each threshold is notified once per certificate, and again for a new certificate', async () => {
  const settings = memorySettings();
  const sent: Notification[] = [];
  const notify = (notification: Notification): void => {
    sent.push(notification);
  };
  for (const daysLeft of [40, 30, 29, 12, 7, 6, 1, 0])
    await notifyCertificateExpiry(certificate('old', daysLeft), { settings, notify });
  assert.deepEqual(
    sent.map((notification) => notification.details?.threshold),
    [30, 7, 1],
  );
  assert.ok(sent.every((notification) => notification.kind === 'certificate.expiring'));
  assert.match(sent[1]?.subject ?? '', /expires in 7 days/);
  await notifyCertificateExpiry(certificate('renewed', 30), { settings, notify });
  assert.equal(sent.length, 4, 'a renewed certificate starts over');
});
