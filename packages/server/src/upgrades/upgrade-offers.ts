import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AgentLink } from '../devices/device-presence.js';
import type { ServerIdentity } from '../keys/server-identity.js';
import type { AgentBuild, AgentBuilds } from '../ports/agent-builds.js';
import { createManifestSigner } from './signed-manifest.js';
import type { KnownDevice, Upgrade } from './upgrade-planner.js';

/** Builds looked up in one pass of the scheduler: a hundred offers read the builds folder once. */
export type FoundBuilds = Map<string, Promise<AgentBuild | undefined>>;

/** What a download ticket opens: one build, for one device, once. */
export interface OfferedBuild {
  deviceId: string;
  build: AgentBuild;
}

/**
 * Upgrade offers: the build for a device's platform, its signed manifest, and the one-time
 * download ticket the offer carries.
 *
 * @example
 * const offers = createUpgradeOffers({ builds, identity, clock, ownVersion });
 * const failed = await offers.offer(choice, new Map()); // a reason, or undefined once sent
 */
export function createUpgradeOffers(deps: {
  builds: AgentBuilds;
  identity: Pick<ServerIdentity, 'publicKey' | 'sign'>;
  clock: Clock;
  /** The server's own version: its own build serves it when none was uploaded. */
  ownVersion: string;
}) {
  const manifests = createManifestSigner({ identity: deps.identity, now: () => deps.clock.now() });
  const tickets = new Map<string, OfferedBuild>();

  const findBuild = async (version: string, arch: string): Promise<AgentBuild | undefined> => {
    const stored = await deps.builds.find(version, arch);
    if (stored) return stored;
    if (version !== deps.ownVersion || arch !== process.arch) return undefined;
    return deps.builds.own();
  };

  return {
    /**
     * Sends the agent its offer and sets `upgrade.ticket`; resolves to why it could not (no
     * build for the device's platform), or undefined once sent.
     */
    async offer(
      choice: { link: AgentLink; device: KnownDevice; upgrade: Upgrade },
      found: FoundBuilds,
    ): Promise<string | undefined> {
      const { link, device, upgrade } = choice;
      const key = `${upgrade.toVersion}\n${device.arch}`;
      if (device.platform === 'linux' && !found.has(key))
        found.set(key, findBuild(upgrade.toVersion, device.arch));
      const build = await found.get(key);
      if (!build)
        return `The server holds no ${upgrade.toVersion} agent build for ${device.platform}/${device.arch}: upload one.`;
      const ticket = randomBytes(32).toString('base64url');
      const manifest = manifests.of(build);
      tickets.set(ticket, { deviceId: device.id, build });
      upgrade.ticket = ticket;
      link.send({
        type: 'upgrade.offer',
        version: build.version,
        ticket,
        manifest: manifest.text,
        signature: manifest.signature,
        bytes: build.bodyBytes,
      });
      return undefined;
    },
    /** What a ticket was issued for; undefined when it was never issued or is gone. */
    find: (ticket: string): OfferedBuild | undefined => tickets.get(ticket),
    /** The ticket opens nothing any more (used, or its upgrade ended). */
    revoke(ticket: string): void {
      tickets.delete(ticket);
    },
  };
}
