import { BlockList, isIP } from 'node:net';
import { AppError } from '@tether/protocol';

/**
 * Parses one entry of a trusted-network list: an IPv4/IPv6 address or a CIDR subnet.
 * Throws `INVALID_INPUT` naming the entry.
 */
export function parseNetwork(entry: string): {
  address: string;
  prefix?: number;
  family: 'ipv4' | 'ipv6';
} {
  const [address = '', prefixText, extra] = entry.trim().split('/');
  const version = isIP(address);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? undefined : Number(prefixText);
  if (
    version === 0 ||
    extra !== undefined ||
    (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= max))
  ) {
    throw new AppError(
      'INVALID_INPUT',
      `"${entry}" is not an IP address or CIDR subnet (e.g. 10.0.0.0/8, 192.168.1.20, fd00::/8).`,
    );
  }
  return prefix === undefined ? { address, family } : { address, prefix, family };
}

/** Strips the IPv4-mapped IPv6 prefix sockets report on dual-stack listeners. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Only the loopback host itself counts as localhost, not the rest of 127.0.0.0/8. */
export function isLocalhost(address: string): boolean {
  const normalized = normalizeAddress(address);
  return normalized === '127.0.0.1' || normalized === '::1';
}

/**
 * A set of networks checked against socket addresses.
 *
 * @example
 * const trusted = new AddressList(['10.0.0.0/8']);
 * trusted.has(socket.remoteAddress ?? '');
 */
export class AddressList {
  private readonly list = new BlockList();
  readonly entries: readonly string[];

  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const entry of entries) {
      const network = parseNetwork(entry);
      if (network.prefix === undefined) this.list.addAddress(network.address, network.family);
      else this.list.addSubnet(network.address, network.prefix, network.family);
    }
  }

  has(address: string): boolean {
    const normalized = normalizeAddress(address);
    const version = isIP(normalized);
    if (version === 0) return false;
    return this.list.check(normalized, version === 4 ? 'ipv4' : 'ipv6');
  }
}
