import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceNetwork } from '@tether/protocol';
import { WakeRelays } from './wake-relays.js';

function network(address: string, gateway: string | null): DeviceNetwork {
  return {
    interfaces: [
      { name: 'eth0', mac: '52:54:00:00:00:01', ipv4: [{ address, netmask: '255.255.255.0' }] },
    ],
    defaultGateway: gateway,
  };
}

const target = network('10.0.1.50', '10.0.0.1');

test('an online agent on the target’s subnet is chosen before one behind the same gateway', () => {
  const relays = new WakeRelays();
  relays.add('gateway-peer', network('10.0.2.9', '10.0.0.1'));
  relays.add('subnet-peer', network('10.0.1.9', '192.0.2.1'));
  const everyone = { exclude: 'target', isOnline: () => true, limit: 3 };
  assert.deepEqual(relays.candidates(target, everyone), ['subnet-peer', 'gateway-peer']);
  assert.deepEqual(relays.candidates(target, { ...everyone, limit: 1 }), ['subnet-peer']);
  assert.deepEqual(
    relays.candidates(target, { ...everyone, isOnline: (id) => id !== 'subnet-peer' }),
    ['gateway-peer'],
  );
});

test('the target itself, offline agents, removed agents and other networks are never chosen', () => {
  const relays = new WakeRelays();
  relays.add('target', target);
  relays.add('elsewhere', network('172.16.0.5', '172.16.0.1'));
  relays.add('gone', network('10.0.1.8', null));
  relays.remove('gone');
  assert.deepEqual(
    relays.candidates(target, { exclude: 'target', isOnline: () => true, limit: 3 }),
    [],
  );
  relays.add('asleep', network('10.0.1.7', null));
  assert.deepEqual(
    relays.candidates(target, { exclude: 'target', isOnline: () => false, limit: 3 }),
    [],
  );
});
