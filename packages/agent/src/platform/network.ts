import { readFileSync } from 'node:fs';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { DeviceNetwork, NetworkInterface } from '@tether/protocol/agent';

/** What no real network card has: loopback and interfaces without a hardware address. */
const NO_MAC = '00:00:00:00:00:00';
const MAX_INTERFACES = 32;
const MAX_ADDRESSES = 16;

/**
 * The machine's interfaces with a hardware address and their IPv4 addresses, and its default
 * gateway: the server wakes a passive agent at these addresses and picks a peer on
 * the same network to send Wake-on-LAN packets. Synchronous and cheap (no child process): read
 * again at each connection, so a laptop that moved networks reports where it is now.
 *
 * @example
 * const network = collectNetwork(); // { interfaces: [{ name: 'eth0', mac: '…', ipv4: […] }], defaultGateway: '10.0.0.1' }
 */
export function collectNetwork(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  routeTable: () => string = readRouteTable,
): DeviceNetwork {
  const found: NetworkInterface[] = [];
  for (const [name, entries = []] of Object.entries(interfaces)) {
    const mac = entries[0]?.mac.toLowerCase();
    if (!mac || mac === NO_MAC || entries.some((entry) => entry.internal)) continue;
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) continue;
    const ipv4 = entries
      .filter((entry) => entry.family === 'IPv4')
      .slice(0, MAX_ADDRESSES)
      .map((entry) => ({ address: entry.address, netmask: entry.netmask }));
    found.push({ name: name.slice(0, 64), mac, ipv4 });
    if (found.length === MAX_INTERFACES) break;
  }
  return { interfaces: found, defaultGateway: defaultGateway(routeTable) };
}

/** Linux's IPv4 routes; other systems have no such file and report no gateway. */
function readRouteTable(): string {
  return readFileSync('/proc/net/route', 'utf8');
}

/**
 * The gateway of the default route in `/proc/net/route` (destination 0, flag RTF_GATEWAY), whose
 * addresses are little-endian hex: `0100000A` is 10.0.0.1.
 */
function defaultGateway(routeTable: () => string): string | null {
  let text: string;
  try {
    text = routeTable();
  } catch {
    return null; // no route table to read (not Linux): the peer is then chosen by subnet alone
  }
  for (const line of text.split('\n').slice(1)) {
    const [, destination, gateway, flags] = line.trim().split(/\s+/);
    if (destination !== '00000000' || !gateway || !flags) continue;
    if ((Number.parseInt(flags, 16) & 0x2) === 0 || !/^[0-9A-Fa-f]{8}$/.test(gateway)) continue;
    const bytes = Buffer.from(gateway, 'hex');
    return [bytes[3], bytes[2], bytes[1], bytes[0]].join('.');
  }
  return null;
}
