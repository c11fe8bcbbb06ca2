import { TETHER_VERSION } from '@tether/protocol';
import { createAgentBuilds } from '../agent-packages/agent-builds-store.js';
import { fanOutSettings } from '../cluster/settings-push.js';
import { createAgentSettings } from '../devices/agent-settings.js';
import { createMaintenanceSweep } from '../maintenance/maintenance-sweep.js';
import type { Notifications } from '../ports/notifications.js';
import type { ServerContext } from '../ports/server-context.js';
import { createUpgradeService } from '../upgrades/upgrade-service.js';
import { createWakeService } from '../wake/wake-service.js';

/**
 * What keeps the fleet of agents in shape: agent builds and upgrades, wake-ups, the settings
 * each agent gets (statistics lengthened with the node's load, A-5) and the maintenance sweep.
 * Upgrades are started (their schedule read back) before this resolves; the sweep starts when
 * the server calls `maintenance.start()`.
 *
 * @example
 * const fleet = await createFleetServices({ ...deps, deleteDevice });
 * fleet.agentSettings.of(device);
 */
export async function createFleetServices(
  deps: Pick<
    ServerContext,
    'config' | 'store' | 'clock' | 'log' | 'audit' | 'presence' | 'identity' | 'cluster'
  > & {
    notifications: Notifications;
    /** Deletes a device past its delete threshold (called minutes after the start at the earliest). */
    deleteDevice: (deviceId: string) => Promise<void>;
  },
) {
  const { config, store, clock, log, audit, presence, identity, cluster } = deps;
  const agentBuilds = createAgentBuilds({ dataDir: config.dataDir, clock, log });
  const upgrades = createUpgradeService({
    ...{ store, clock, log, audit, presence, identity, cluster },
    builds: agentBuilds,
    ownVersion: TETHER_VERSION,
  });
  await upgrades.start();
  const wake = createWakeService({
    ...{ store, clock, identity, presence, audit, log },
    config: config.wake,
  });
  const agentSettings = createAgentSettings({
    ...{ store, presence, clock },
    samplesPerSec: config.agents.statisticsPerSec,
  });
  const broadcastSettings = fanOutSettings(
    cluster,
    (audience) => agentSettings.push(audience),
    log,
  );
  const maintenance = createMaintenanceSweep({
    ...{ store, clock, presence, audit, log },
    notifications: deps.notifications,
    deleteDevice: deps.deleteDevice,
  });
  return { agentBuilds, upgrades, wake, agentSettings, broadcastSettings, maintenance };
}
