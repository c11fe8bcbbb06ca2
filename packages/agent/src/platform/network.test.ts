import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { collectNetwork } from './network.js';

const ROUTES = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
  'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
].join('\n');

function entry(info: Partial<NetworkInterfaceInfo>): NetworkInterfaceInfo {
  return {
    address: '::1',
    netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    family: 'IPv6',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: null,
    scopeid: 0,
    ...info,
  };
}

test('cards with a hardware address, their IPv4 addresses and the default gateway', () => {
  const network = collectNetwork(
    {
      lo: [entry({ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true })],
      eth0: [
        entry({
          address: '192.0.2.10',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '52:54:00:AB:CD:EF',
        }),
        entry({ address: 'fe80::1', mac: '52:54:00:AB:CD:EF' }),
      ],
      tun0: [entry({ address: '10.8.0.2', netmask: '255.255.255.0', family: 'IPv4' })],
    },
    () => ROUTES,
  );
  assert.deepEqual(network, {
    interfaces: [
      {
        name: 'eth0',
        mac: '52:54:00:ab:cd:ef',
        ipv4: [{ address: '192.0.2.10', netmask: '255.255.255.0' }],
      },
    ],
    defaultGateway: '192.0.2.1',
  });
});

test('no route table (not Linux) means no gateway, not a failure', () => {
  const network = collectNetwork({}, () => {
    throw new Error('ENOENT');
  });
  assert.deepEqual(network, { interfaces: [], defaultGateway: null });
});
