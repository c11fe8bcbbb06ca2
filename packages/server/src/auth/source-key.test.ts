import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceKeyOf } from './source-key.js';

test('IPv4 addresses count one by one, also when a dual-stack socket reports them mapped', () => {
  assert.equal(sourceKeyOf('192.0.2.7'), '192.0.2.7');
  assert.equal(sourceKeyOf('::ffff:192.0.2.7'), '192.0.2.7');
});

test('IPv6 addresses count by their /64, however they are written', () => {
  const key = '2001:db8:0:12::/64';
  for (const address of [
    '2001:db8:0:12:a::1',
    '2001:0db8:0000:0012:ffff:ffff:ffff:fffe',
    '2001:DB8:0:12::',
    '2001:db8:0:12::9%eth0',
  ]) {
    assert.equal(sourceKeyOf(address), key, address);
  }
  assert.notEqual(sourceKeyOf('2001:db8:0:13::1'), key, 'another /64 is another source');
  assert.equal(sourceKeyOf('::1'), '0:0:0:0::/64');
  assert.equal(sourceKeyOf('2001:db8::'), '2001:db8:0:0::/64');
  assert.equal(sourceKeyOf('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
});

test('anything else is kept as it is', () => {
  assert.equal(sourceKeyOf('unknown'), 'unknown');
});
