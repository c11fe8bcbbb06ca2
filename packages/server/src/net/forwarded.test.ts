import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingHttpHeaders } from 'node:http';
import type { ForwardedHeader } from '@tether/protocol';
import { AddressList } from './address-list.js';
import { clientAddress } from './forwarded.js';

function client(
  peer: string,
  headers: IncomingHttpHeaders,
  options: { proxies?: string[]; header?: ForwardedHeader } = {},
): string {
  return clientAddress({
    peer,
    headers,
    trust: {
      proxies: new AddressList(options.proxies ?? ['10.0.0.0/24']),
      header: options.header ?? 'x-forwarded-for',
    },
  });
}

test('headers from a peer that is not a trusted proxy are ignored', () => {
  assert.equal(client('192.0.2.9', { 'x-forwarded-for': '203.0.113.7' }), '192.0.2.9');
  assert.equal(
    client('192.0.2.9', { forwarded: 'for=203.0.113.7' }, { header: 'forwarded' }),
    '192.0.2.9',
  );
});

test('with no trusted proxy, headers are never read', () => {
  assert.equal(
    client('10.0.0.5', { 'x-forwarded-for': '203.0.113.7' }, { proxies: [] }),
    '10.0.0.5',
  );
});

test('the right-most address that is not a trusted proxy is the client', () => {
  // The client forged 6.6.6.6; its real address was appended by the proxies after it.
  const headers = { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.0.0.7' };
  assert.equal(client('10.0.0.5', headers), '198.51.100.4');
});

test('a chain of trusted proxies only is answered with its first address', () => {
  assert.equal(client('10.0.0.5', { 'x-forwarded-for': '10.0.0.9, 10.0.0.7' }), '10.0.0.9');
});

test('a trusted proxy that forwards nothing is the client itself', () => {
  assert.equal(client('::ffff:10.0.0.5', {}), '10.0.0.5');
});

test('an entry that is no address ends the walk at the trusted hop that wrote it', () => {
  assert.equal(client('10.0.0.5', { 'x-forwarded-for': '198.51.100.4, unknown' }), '10.0.0.5');
});

test('ports, brackets and IPv4-mapped forms are stripped', () => {
  assert.equal(client('10.0.0.5', { 'x-forwarded-for': '198.51.100.4:5123' }), '198.51.100.4');
  assert.equal(client('10.0.0.5', { 'x-forwarded-for': '[2001:db8::17]:4711' }), '2001:db8::17');
  assert.equal(client('10.0.0.5', { 'x-forwarded-for': '::ffff:198.51.100.4' }), '198.51.100.4');
});

test('RFC 7239 Forwarded: quoted IPv6 with port, other parameters, several elements', () => {
  const headers = {
    forwarded:
      'for=6.6.6.6;proto=https, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.5, For=10.0.0.7',
  };
  assert.equal(client('10.0.0.5', headers, { header: 'forwarded' }), '2001:db8:cafe::17');
});

test('only the configured header is read: a forged one of the other kind changes nothing', () => {
  const headers = { 'x-forwarded-for': '198.51.100.4', forwarded: 'for=6.6.6.6' };
  assert.equal(client('10.0.0.5', headers), '198.51.100.4');
  assert.equal(
    client(
      '10.0.0.5',
      { 'x-forwarded-for': '6.6.6.6', forwarded: 'for=198.51.100.4' },
      { header: 'forwarded' },
    ),
    '198.51.100.4',
  );
});
