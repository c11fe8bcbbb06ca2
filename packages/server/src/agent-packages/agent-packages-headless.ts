import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import type { ServerConfig } from '../config/config.js';
import { systemClock } from '../clock.js';
import { loadServerIdentity } from '../keys/server-identity.js';
import type { Logger } from '../logging.js';
import { readProxySettings } from '../net/proxy-settings.js';
import type { Store } from '../store/store.js';
import { loadServedMaterial } from '../tls/tls-change.js';
import { createAgentBuilds } from './agent-builds-store.js';
import { createAgentPackages, type AgentPackages } from './agent-package-service.js';
import { serverTlsPin } from './tls-pin.js';

/**
 * The agent packages of a server's data directory, for `tether installer download` (headless,
 * whether the server runs or not): the same files and links as the running server gives, from
 * the same build folder, key and certificate.
 *
 * @example
 * const packages = await agentPackagesHeadless({ config, store, log, publicUrl });
 * const file = await packages.open(installerId, 'tether-agent.deb');
 */
export async function agentPackagesHeadless(options: {
  config: ServerConfig;
  store: Store;
  audit: AuditLog;
  log: Logger;
  publicUrl: string;
}): Promise<AgentPackages> {
  const { config, store, audit, log } = options;
  const [identity, material, proxy] = await Promise.all([
    loadServerIdentity(join(config.dataDir, 'keys')),
    loadServedMaterial(config),
    readProxySettings(store, config),
  ]);
  const builds = createAgentBuilds({ dataDir: config.dataDir, clock: systemClock, log });
  return createAgentPackages({
    ...{ store, audit, identity, builds, clock: systemClock, dataDir: config.dataDir },
    publicUrl: () => options.publicUrl,
    tlsPin: () => serverTlsPin(material, { behindProxy: () => proxy.behindProxy }),
  });
}
