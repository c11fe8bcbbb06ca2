import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { detectPublicHost, isLoopbackHost, type MachineNetwork } from './public-host.js';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return {
    address,
    netmask: '255.255.255.0',
    family: 'IPv4',
    mac: '00:00:00:00:00:00',
    internal,
    cidr: `${address}/24`,
  };
}

function machine(options: {
  hostname: string;
  /** null: a resolver that never answers. */
  canonical?: string | Error | null;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): MachineNetwork {
  return {
    hostname: () => options.hostname,
    interfaces: () => options.interfaces ?? { lo: [ipv4('127.0.0.1', true)] },
    canonicalName: (name) => {
      const canonical = options.canonical;
      if (canonical instanceof Error) return Promise.reject(canonical);
      // A resolver that never answers: detection must not wait for it.
      if (canonical === null) return new Promise(() => undefined);
      return Promise.resolve(canonical ?? name);
    },
  };
}

const LAN = {
  lo: [ipv4('127.0.0.1', true)],
  docker0: [ipv4('172.17.0.1')],
  eth0: [ipv4('169.254.3.4'), ipv4('192.168.1.20')],
};

test('a server listening on every address is reached by its fully qualified name', async () => {
  assert.equal(
    await detectPublicHost('0.0.0.0', machine({ hostname: 'vm', canonical: 'vm.example.com' })),
    'vm.example.com',
  );
  assert.equal(
    await detectPublicHost('::', machine({ hostname: 'Tether.Example.com', interfaces: LAN })),
    'tether.example.com',
  );
});

test('without a fully qualified name, the first real non-loopback IPv4 address is used', async () => {
  // Debian's /etc/hosts often maps the short name to 127.0.x.1 next to "localhost".
  const names = ['localhost', 'vm', 'vm.localdomain', 'other.example.com'];
  for (const canonical of names) {
    assert.equal(
      await detectPublicHost('0.0.0.0', machine({ hostname: 'vm', canonical, interfaces: LAN })),
      '192.168.1.20',
      canonical,
    );
  }
});

test('a bridge address is used only when the machine has no other', async () => {
  const bridgeOnly = { lo: LAN.lo, docker0: LAN.docker0 };
  assert.equal(
    await detectPublicHost('0.0.0.0', machine({ hostname: 'vm', interfaces: bridgeOnly })),
    '172.17.0.1',
  );
});

test('a machine without IPv4 is reached at its first global IPv6 address', async () => {
  const ipv6 = (address: string): NetworkInterfaceInfo => ({
    ...ipv4('0.0.0.0'),
    address,
    family: 'IPv6',
    scopeid: 0,
    cidr: `${address}/64`,
  });
  const interfaces = { lo: [ipv4('127.0.0.1', true)], eth0: [ipv6('fe80::1'), ipv6('fd00::2')] };
  assert.equal(await detectPublicHost('::', machine({ hostname: 'vm', interfaces })), '[fd00::2]');
});

test('a resolver that fails or never answers leaves the address, then localhost', async () => {
  const failing = machine({ hostname: 'vm', canonical: new Error('EAI_AGAIN'), interfaces: LAN });
  assert.equal(await detectPublicHost('0.0.0.0', failing), '192.168.1.20');
  const silent = machine({ hostname: 'vm', canonical: null });
  assert.equal(await detectPublicHost('0.0.0.0', silent), 'localhost');
});

test('a listener bound to one address is reached there, a loopback one as localhost', async () => {
  const network = machine({ hostname: 'vm.example.com', interfaces: LAN });
  assert.equal(await detectPublicHost('127.0.0.1', network), 'localhost');
  assert.equal(await detectPublicHost('::1', network), 'localhost');
  assert.equal(await detectPublicHost('10.1.2.3', network), '10.1.2.3');
  assert.equal(await detectPublicHost('fd00::2', network), '[fd00::2]');
  assert.equal(await detectPublicHost('support.example.com', network), 'support.example.com');
});

test('loopback hosts are told apart from the rest', () => {
  for (const host of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]'])
    assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['192.168.1.20', 'localhost.example.com', '[fd00::2]', 'vm.example.com'])
    assert.equal(isLoopbackHost(host), false, host);
});
