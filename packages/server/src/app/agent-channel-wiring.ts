import type { AgentSettings } from '@tether/protocol';
import { forwardAgentReplies } from '../cluster/agent-replies.js';
import type { AgentChannelDeps } from '../devices/agent-channel-deps.js';
import type { AgentSettingsSubject } from '../devices/agent-settings.js';
import { recordLocalUninstall } from '../maintenance/local-uninstall.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * What every agent's control channel calls back into: the services of `context` that follow
 * agents (sessions, upgrades, wake, integration API, unattended access, maintenance).
 */
export function agentChannelDeps(
  context: ServerContext,
  own: {
    heartbeatSec: number;
    settings: (device: AgentSettingsSubject) => Promise<AgentSettings>;
    /** Deletes a device whose agent reported a local uninstall, when the setting says remove. */
    deleteByMaintenance: (deviceId: string) => Promise<void>;
  },
): AgentChannelDeps {
  const { store, clock, identity, audit, presence, log, proxy, serverKeys, tasks } = context;
  const { sessions, upgrades, wake, oem, unattended } = context;
  const { heartbeatSec, settings, deleteByMaintenance } = own;
  // Answers a request on another node may wait for go there too (cluster mode, X-3).
  const replies = forwardAgentReplies(
    context.cluster,
    {
      onSessionRefused: (deviceId, sessionId, error) =>
        sessions.onAgentRefused(deviceId, sessionId, error),
      onConsentPending: (deviceId, sessionId, expiresAt) =>
        sessions.onConsentPending(deviceId, sessionId, expiresAt),
      onUnattendedReply: (deviceId, reply) => unattended.onReply(deviceId, reply),
      onOemReply: (deviceId, reply) =>
        oem.onReply(deviceId, reply, { isClustered: context.cluster.isClustered }),
      onWakeOnLanSent: (deviceId, reply) => wake.onWakeOnLanSent(deviceId, reply),
      onDisconnected: (deviceId) => {
        sessions.onDeviceDisconnected(deviceId);
        upgrades.onDeviceDisconnected(deviceId);
        wake.onDeviceDisconnected(deviceId);
      },
    },
    log,
  );
  return {
    store,
    clock,
    identity,
    audit,
    presence,
    log,
    behindProxy: () => proxy.behindProxy(),
    serverKeys,
    heartbeatSec,
    settings,
    onSessionRefused: replies.onSessionRefused,
    onDisconnected: replies.onDisconnected,
    onUpgradeStatus: (deviceId, status) => upgrades.onStatus(deviceId, status),
    onOemReply: replies.onOemReply,
    remoteControlId: (deviceId) => oem.remoteControlIdFor(deviceId),
    onReady: (device) => {
      const deviceId = device.id;
      oem.onDeviceReady(device);
      upgrades.onDeviceReady(deviceId, device);
      unattended.onDeviceReady(deviceId).catch((error: unknown) => {
        log.error({ err: error, deviceId }, 'cannot sync unattended access with the agent');
      });
      wake.onDeviceReady(device);
    },
    onWakeListening: (deviceId, report) =>
      tasks.run('record a passive agent’s wake port', () => wake.onListening(deviceId, report), {
        deviceId,
      }),
    onWakeOnLanSent: replies.onWakeOnLanSent,
    onConsentPending: replies.onConsentPending,
    onUnattendedReply: replies.onUnattendedReply,
    onUninstalled: async (deviceId, { sourceAddress }) => {
      await recordLocalUninstall(
        { store, clock, audit, deleteDevice: deleteByMaintenance },
        { deviceId, sourceAddress },
      );
      presence.events.emit({ type: 'maintenance', deviceId });
    },
    onUnattendedTurnedOff: (deviceId, report) =>
      tasks.run('revoke unattended access turned off at the device', () =>
        unattended.turnedOffAtDevice(deviceId, report),
      ),
  };
}
