import type { DevicePresence } from '../devices/device-presence.js';
import type { Logger } from '../logging.js';
import { endAdhocSession, type AdhocDeps } from './adhoc-sessions.js';

/** How long a one-time agent may be gone before its session counts as over (a network blip). */
export const ONE_TIME_GRACE_MS = 15_000;

/**
 * Ends the ad-hoc session of a one-time agent that left: the one-time agent exits when
 * its session ends, so its device going offline, and staying offline for the grace period, is
 * the end; its device is then removed. An installed agent's ad-hoc session is not ended by this.
 * In a cluster, the node the agent was on does it, or every node when that node died.
 * Returns the unsubscribe function.
 *
 * @example
 * const stop = watchOneTimeDevices({ ...deps, presence: context.presence, log });
 */
export function watchOneTimeDevices(
  deps: Pick<AdhocDeps, 'store' | 'clock' | 'audit' | 'removeDevice'> & {
    presence: DevicePresence;
    log: Logger;
    graceMs?: number;
  },
): () => void {
  const graceMs = deps.graceMs ?? ONE_TIME_GRACE_MS;
  const settle = async (deviceId: string): Promise<void> => {
    const record = await deps.store.adhocSessions.findLiveByDevice(deviceId);
    if (!record || record.isInstalledAgent) return;
    deps.clock.setTimer(() => {
      if (deps.presence.isOnline(deviceId)) return;
      endAdhocSession(deps, record, {
        actor: `device:${deviceId}`,
        reason: 'the one-time agent left',
      }).catch((error: unknown) => {
        deps.log.error({ err: error, adhocSessionId: record.id }, 'cannot end an ad-hoc session');
      });
    }, graceMs);
  };
  // Devices gone offline, looked at together: when a node dies, every other node hears of its
  // thousands of agents at once, and most of the time no ad-hoc session is live at all.
  let waiting = new Set<string>();
  let isLooking = false;
  const warnLookUpFailed = (error: unknown): void =>
    deps.log.warn({ err: error }, 'cannot look up the ad-hoc sessions of devices gone offline');
  const lookAtWaiting = async (): Promise<void> => {
    try {
      while (waiting.size > 0) {
        const deviceIds = waiting;
        waiting = new Set();
        const isAnyLive = await deps.store.adhocSessions.anyLive().catch((error: unknown) => {
          warnLookUpFailed(error);
          return false;
        });
        if (!isAnyLive) continue;
        for (const deviceId of deviceIds)
          await settle(deviceId).catch((error: unknown) => {
            deps.log.warn(
              { err: error, deviceId },
              'cannot look up the ad-hoc session of a device',
            );
          });
      }
    } finally {
      isLooking = false;
    }
  };
  return deps.presence.events.on('offline', ({ deviceId }) => {
    // In a cluster, the node the agent was connected to ends it; when that node died, every
    // node settles it, and the session's conditional end makes it happen once.
    if (deps.presence.events.isRelayed && !deps.presence.events.isHolderGone) return;
    waiting.add(deviceId);
    // Those of the same turn (a dead node's agents) wait for one look; more come meanwhile.
    if (isLooking) return;
    isLooking = true;
    queueMicrotask(() => {
      lookAtWaiting().catch(warnLookUpFailed);
    });
  });
}
