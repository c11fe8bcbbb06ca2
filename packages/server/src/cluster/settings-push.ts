import { z } from 'zod';
import type { SettingsAudience } from '../devices/agent-settings.js';
import type { Logger } from '../logging.js';
import type { Cluster } from './cluster.js';
import { subjects } from './subjects.js';

const PushMessage = z.object({
  origin: z.string(),
  audience: z.object({
    group: z.string().optional(),
    deviceIds: z.array(z.string()).optional(),
  }),
});

/**
 * A settings push reaches the agents of every node (X-3): this node pushes to its own agents
 * and tells the others, which push to theirs (each computes its agents' settings; one bus
 * message, not one per agent). A single node only pushes.
 *
 * @example
 * const broadcast = fanOutSettings(cluster, (audience) => agentSettings.push(audience), log);
 */
export function fanOutSettings(
  cluster: Cluster,
  push: (audience: SettingsAudience) => Promise<void>,
  log: Logger,
): (audience?: SettingsAudience) => Promise<void> {
  if (!cluster.isClustered) return (audience = {}) => push(audience);
  cluster.bus.subscribe(subjects.settingsPush, (raw) => {
    const parsed = PushMessage.safeParse(raw);
    if (!parsed.success) log.warn('malformed settings push from another node ignored');
    else if (parsed.data.origin !== cluster.nodeId)
      push(parsed.data.audience).catch((error: unknown) =>
        log.error({ err: error }, 'cannot push settings asked by another node'),
      );
  });
  return async (audience = {}) => {
    cluster.bus.publish(subjects.settingsPush, { origin: cluster.nodeId, audience });
    await push(audience);
  };
}
