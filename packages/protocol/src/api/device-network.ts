import { z } from 'zod';

/**
 * A hardware (MAC) address, lower case, colon-separated: what Wake-on-LAN packets carry.
 *
 * @example
 * MacAddress.parse('52:54:00:12:34:56');
 */
export const MacAddress = z
  .string()
  .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'must be a MAC address like 52:54:00:12:34:56');
export type MacAddress = z.infer<typeof MacAddress>;

/**
 * One IPv4 address of an interface and its netmask (dotted quads).
 *
 * @example
 * InterfaceAddress.parse({ address: '10.0.0.7', netmask: '255.255.255.0' });
 */
export const InterfaceAddress = z.object({ address: z.ipv4(), netmask: z.ipv4() });
export type InterfaceAddress = z.infer<typeof InterfaceAddress>;

/**
 * One network interface that has a hardware address (loopback and virtual ones left out).
 *
 * @example
 * NetworkInterface.parse({ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: [] });
 */
export const NetworkInterface = z.object({
  name: z.string().max(64),
  mac: MacAddress,
  ipv4: z.array(InterfaceAddress).max(16),
});
export type NetworkInterface = z.infer<typeof NetworkInterface>;

/**
 * Where a device sits on its network, as its agent reports it at each connection:
 * the server wakes a passive agent at these addresses, and wakes a sleeping device with
 * Wake-on-LAN through an online agent on the same subnet or behind the same default gateway.
 *
 * @example
 * const network: DeviceNetwork = {
 *   interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: [{ address: '10.0.0.7', netmask: '255.255.255.0' }] }],
 *   defaultGateway: '10.0.0.1',
 * };
 */
export const DeviceNetwork = z.object({
  interfaces: z.array(NetworkInterface).max(32),
  /** The IPv4 default route's gateway; null when there is none. */
  defaultGateway: z.ipv4().nullable(),
});
export type DeviceNetwork = z.infer<typeof DeviceNetwork>;
