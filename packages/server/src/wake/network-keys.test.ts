import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceNetwork } from '@tether/protocol';
import { networkKeys, subnetsOf } from './network-keys.js';

const network: DeviceNetwork = {
  interfaces: [
    {
      name: 'eth0',
      mac: '52:54:00:12:34:56',
      ipv4: [
        { address: '10.1.2.7', netmask: '255.255.255.0' },
        { address: '172.16.9.200', netmask: '255.255.240.0' },
      ],
    },
  ],
  defaultGateway: '10.1.2.1',
};

test('each subnet has its network key and its directed broadcast address', () => {
  assert.deepEqual(subnetsOf(network), [
    { key: '10.1.2.0/255.255.255.0', broadcast: '10.1.2.255' },
    { key: '172.16.0.0/255.255.240.0', broadcast: '172.16.15.255' },
  ]);
});

test('devices are on the same network by subnet first, then by default gateway', () => {
  assert.deepEqual(networkKeys(network), [
    'subnet:10.1.2.0/255.255.255.0',
    'subnet:172.16.0.0/255.255.240.0',
    'gateway:10.1.2.1',
  ]);
  assert.deepEqual(networkKeys({ interfaces: [], defaultGateway: null }), []);
});
