import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = 'receiver-secret';
  const body = '{"kind":"server.error","subject":"Backup failed"}';
  const at = new Date('2026-12-06T18:00:00Z');
  const headers = signWebhook(secret, body, at);
  const signed = {
    secret,
    body,
    timestamp: headers['x-tether-timestamp'],
    signature: headers['x-tether-signature'],
  };

  it('is the HMAC-SHA256 of "<timestamp>.<body>" in hex, as the README documents', () => {
    const timestamp = String(at.getTime() / 1000);
    const hex = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    assert.deepEqual(headers, {
      'x-tether-timestamp': timestamp,
      'x-tether-signature': `sha256=${hex}`,
    });
  });

  it('verifies within five minutes of sending', () => {
    assert.equal(verifyWebhook({ ...signed, now: new Date(at.getTime() + 299_000) }), true);
  });

  it('refuses a changed body, another secret, or a missing header', () => {
    const now = at;
    assert.equal(verifyWebhook({ ...signed, body: body.replace('Backup', 'Restore'), now }), false);
    assert.equal(verifyWebhook({ ...signed, secret: 'other-secret', now }), false);
    assert.equal(verifyWebhook({ ...signed, signature: undefined, now }), false);
    assert.equal(verifyWebhook({ ...signed, timestamp: undefined, now }), false);
  });

  it('refuses a replay: too old, or re-dated (the timestamp is signed)', () => {
    assert.equal(verifyWebhook({ ...signed, now: new Date(at.getTime() + 301_000) }), false);
    const redated = String(Number(signed.timestamp) + 600);
    assert.equal(
      verifyWebhook({ ...signed, timestamp: redated, now: new Date(at.getTime() + 600_000) }),
      false,
    );
  });
});
