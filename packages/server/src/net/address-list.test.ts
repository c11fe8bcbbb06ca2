import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressList, isLocalhost, parseNetwork } from './address-list.js';

test('addresses and subnets of both families match socket addresses', () => {
  const list = new AddressList(['10.0.0.0/8', '192.168.1.20', 'fd00::/8']);
  assert.equal(list.has('10.200.3.4'), true);
  assert.equal(list.has('::ffff:10.1.1.1'), true, 'IPv4-mapped addresses from dual-stack sockets');
  assert.equal(list.has('192.168.1.20'), true);
  assert.equal(list.has('192.168.1.21'), false);
  assert.equal(list.has('fd12::1'), true);
  assert.equal(list.has('fe80::1'), false);
  assert.equal(list.has('not an address'), false);
});

test('only the loopback host itself is localhost', () => {
  assert.equal(isLocalhost('127.0.0.1'), true);
  assert.equal(isLocalhost('::1'), true);
  assert.equal(isLocalhost('::ffff:127.0.0.1'), true);
  assert.equal(isLocalhost('127.0.0.2'), false);
});

test('bad entries are refused with the entry named', () => {
  for (const entry of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', 'fd00::/129', '']) {
    assert.throws(
      () => parseNetwork(entry),
      (error: Error) => error.message.includes(`"${entry}"`),
    );
  }
});
