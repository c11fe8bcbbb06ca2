import type { DeviceNetwork } from '@tether/protocol';

/** An IPv4 address as an unsigned 32-bit number. */
function toNumber(address: string): number {
  return address.split('.').reduce((sum, byte) => sum * 256 + Number(byte), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** One IPv4 subnet a device sits on, and where its broadcasts go. */
export interface Subnet {
  /** `10.0.0.0/255.255.255.0`: equal for every address of the subnet. */
  key: string;
  broadcast: string;
}

/**
 * The IPv4 subnets of a device's interfaces, each with its directed broadcast address (every
 * host bit set): where a peer sends the magic packets of a sleeping card on that subnet.
 *
 * @example
 * subnetsOf(network); // [{ key: '10.0.0.0/255.255.255.0', broadcast: '10.0.0.255' }]
 */
export function subnetsOf(network: DeviceNetwork): Subnet[] {
  const subnets = new Map<string, Subnet>();
  for (const card of network.interfaces) {
    for (const { address, netmask } of card.ipv4) {
      const mask = toNumber(netmask);
      const base = (toNumber(address) & mask) >>> 0;
      const key = `${toAddress(base)}/${netmask}`;
      subnets.set(key, { key, broadcast: toAddress((base | ~mask) >>> 0) });
    }
  }
  return [...subnets.values()];
}

/**
 * What makes two devices "on the same network", strongest first: a shared subnet, then a
 * shared default gateway (the vendor's rule; a router between subnets must then forward the
 * directed broadcast).
 *
 * @example
 * networkKeys(network); // ['subnet:10.0.0.0/255.255.255.0', 'gateway:10.0.0.1']
 */
export function networkKeys(network: DeviceNetwork): string[] {
  return [
    ...subnetsOf(network).map((subnet) => `subnet:${subnet.key}`),
    ...(network.defaultGateway ? [`gateway:${network.defaultGateway}`] : []),
  ];
}
