import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpsLocation } from './http-redirect.js';

test('the location keeps host, path and query, with the HTTPS port unless it is 443', () => {
  const at = (host: string, url: string, httpsPort: number) =>
    httpsLocation({ host, url, httpsPort });
  assert.equal(at('support.example.com', '/a?b=1', 443), 'https://support.example.com/a?b=1');
  assert.equal(at('Support.Example.com:80', '/', 8443), 'https://support.example.com:8443/');
  assert.equal(at('192.0.2.7:8080', '/x', 8443), 'https://192.0.2.7:8443/x');
  assert.equal(at('[2001:db8::1]:80', '/x', 443), 'https://[2001:db8::1]/x');
});

test('a Host header that is not a host name gets no location', () => {
  for (const host of ['', 'evil.example/path', 'user@evil.example', 'a b', 'evil.example:80:80'])
    assert.equal(httpsLocation({ host, url: '/', httpsPort: 443 }), undefined, host);
  assert.equal(httpsLocation({ host: undefined, url: '/', httpsPort: 443 }), undefined);
});
