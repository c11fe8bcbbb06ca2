import { isIP } from 'node:net';
import { normalizeAddress } from '../net/address-list.js';

/**
 * What sign-in limits count by: an IPv4 address, or an IPv6 /64. A host picks addresses in its
 * /64 at will (privacy extensions change them daily), so per-address IPv6 limits would let one
 * attacker rotate through endless sources, and would forget an owner's address by tomorrow.
 *
 * @example
 * sourceKeyOf('2001:db8:0:12:a::1'); // '2001:db8:0:12::/64'
 * sourceKeyOf('::ffff:192.0.2.7'); // '192.0.2.7'
 */
export function sourceKeyOf(address: string): string {
  const normalized = normalizeAddress(address.split('%')[0] ?? address);
  if (isIP(normalized) !== 6) return normalized;
  const [head = '', tail] = normalized.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  if (tail === undefined) return prefix64(headGroups);
  const tailGroups = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (64:ff9b::192.0.2.1) fills two groups.
  const tailLength = tailGroups.reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const zeros = Array<string>(8 - headGroups.length - tailLength).fill('0');
  return prefix64([...headGroups, ...zeros, ...tailGroups]);
}

function prefix64(groups: string[]): string {
  const first = groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16));
  return `${first.join(':')}::/64`;
}
