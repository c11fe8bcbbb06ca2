import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyFor } from './http-proxy.js';

const server = new URL('wss://tether.example.com:8443/api/v1/agent/connect');

test('HTTPS_PROXY applies unless NO_PROXY names the server', () => {
  assert.equal(proxyFor(server, {}), undefined);
  assert.equal(proxyFor(server, { HTTPS_PROXY: 'http://proxy:3128' })?.host, 'proxy:3128');
  assert.equal(proxyFor(server, { https_proxy: 'proxy:3128' })?.href, 'http://proxy:3128/');
  for (const noProxy of [
    '*',
    'tether.example.com',
    '.example.com',
    'example.com',
    'x, example.com:8443',
  ]) {
    assert.equal(
      proxyFor(server, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy }),
      undefined,
      noProxy,
    );
  }
  for (const noProxy of ['other.com', 'ample.com', 'example.com:443']) {
    assert.ok(proxyFor(server, { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy }), noProxy);
  }
});

test('only http:// proxies are accepted, with a message saying so', () => {
  assert.throws(
    () => proxyFor(server, { HTTPS_PROXY: 'socks5://proxy:1080' }),
    /Only http:\/\/ proxies are supported/,
  );
});
