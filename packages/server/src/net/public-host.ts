import { lookup, lookupService } from 'node:dns/promises';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';

/** How long a name look-up may delay the server's start (a resolver that does not answer). */
const LOOKUP_TIMEOUT_MS = 1500;

/** Interfaces of containers, bridges and VPN plumbing: other machines rarely reach them. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|cni|flannel|lxc|lxd|podman|vnet|tun|tap)/;

/** What detection reads from the machine; tests give their own. */
export interface MachineNetwork {
  hostname(): string;
  interfaces(): NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** The machine's fully qualified name for `name` (from /etc/hosts or DNS), if any. */
  canonicalName(name: string): Promise<string | undefined>;
}

/** This machine, through the operating system. */
export const systemNetwork: MachineNetwork = {
  hostname,
  interfaces: networkInterfaces,
  canonicalName: async (name) => {
    // getaddrinfo's canonical name is not exposed by Node: resolve the name, then ask which
    // name that address has (Debian maps the host's FQDN to 127.0.1.1 in /etc/hosts).
    const { address } = await lookup(name);
    return (await lookupService(address, 0)).hostname;
  },
};

/**
 * The host other machines most likely reach this server at, for the public URL when nobody set
 * one: a listener bound to one address is reached there (a loopback one only from here:
 * `localhost`); bound to every address, this machine's fully qualified name when it has one,
 * else its first non-loopback IPv4 address (real interfaces before bridges), else its first
 * global IPv6 address, else `localhost`.
 * IPv6 addresses come in brackets, ready for a URL.
 *
 * @example
 * await detectPublicHost('0.0.0.0'); // 'support.example.com', or '192.168.1.20'
 * await detectPublicHost('127.0.0.1'); // 'localhost'
 */
export async function detectPublicHost(
  listenHost: string,
  network: MachineNetwork = systemNetwork,
): Promise<string> {
  if (isLoopbackHost(listenHost)) return 'localhost';
  if (!isWildcard(listenHost)) return isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost;
  return (
    (await fullyQualifiedName(network)) ??
    firstAddress(network, 'IPv4') ??
    firstAddress(network, 'IPv6') ??
    'localhost'
  );
}

/** True for `localhost`, 127.0.0.0/8 and ::1 (also in brackets): only this machine reaches it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    bare === 'localhost' ||
    bare.endsWith('.localhost') ||
    bare === '::1' ||
    (isIP(bare) === 4 && bare.startsWith('127.'))
  );
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

async function fullyQualifiedName(network: MachineNetwork): Promise<string | undefined> {
  const name = network.hostname().toLowerCase();
  if (isUsableName(name)) return name;
  if (name === '') return undefined;
  const canonical = await withTimeout(network.canonicalName(name)).catch(() => undefined);
  const full = canonical?.toLowerCase();
  // Only this machine's own name with its domain, not whatever name its address maps to.
  return full !== undefined && full.startsWith(`${name}.`) && isUsableName(full) ? full : undefined;
}

/** A dotted name that means something on a network (not `localhost.localdomain` and the like). */
function isUsableName(name: string): boolean {
  return (
    name.includes('.') &&
    isIP(name) === 0 &&
    !isLoopbackHost(name) &&
    !name.endsWith('.localdomain') &&
    !name.startsWith('localhost.')
  );
}

/** The first address of `family` other machines may reach: no loopback, no link-local. */
function firstAddress(network: MachineNetwork, family: 'IPv4' | 'IPv6'): string | undefined {
  const candidates = Object.entries(network.interfaces()).flatMap(([name, addresses]) =>
    (addresses ?? [])
      .filter(
        (info) => info.family === family && !info.internal && !isLoopbackOrLinkLocal(info.address),
      )
      .map((info) => ({ address: info.address, isVirtual: VIRTUAL_INTERFACE.test(name) })),
  );
  const address = (candidates.find((candidate) => !candidate.isVirtual) ?? candidates[0])?.address;
  return address !== undefined && family === 'IPv6' ? `[${address}]` : address;
}

function isLoopbackOrLinkLocal(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address.startsWith('169.254.') ||
    address === '::1' ||
    /^fe[89ab]/i.test(address)
  );
}

function withTimeout<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
