import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relaySocketUrl } from '../src/index.js';

const ticket = { path: '/relay/v1/abc', token: 'A'.repeat(42) + '_' };

describe('relaySocketUrl', () => {
  it('uses wss for pages served over https and keeps the port', () => {
    assert.equal(
      relaySocketUrl(ticket, { protocol: 'https:', host: 'tether.test:8443' }),
      `wss://tether.test:8443/relay/v1/abc?token=${ticket.token}`,
    );
  });

  it('uses ws for plain http pages', () => {
    assert.equal(
      relaySocketUrl(ticket, { protocol: 'http', host: '127.0.0.1:3000' }),
      `ws://127.0.0.1:3000/relay/v1/abc?token=${ticket.token}`,
    );
  });
});
