import type { AuditLog } from '../audit/audit-log.js';
import { repeat, type Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import type { Cluster } from './cluster.js';

/** Why a session relayed by a node that died (kill -9, power loss) ended. */
export const DEAD_RELAY_NODE_REASON =
  'The server node relaying this session stopped (its lease ran out).';

/**
 * Cluster: every `checkEveryMs`, sessions still open on a relay node that is not alive in the
 * node list (its lease ran out) are ended with {@link DEAD_RELAY_NODE_REASON}: nobody else
 * would end them. One conditional UPDATE, so nodes sweeping at once end (and audit) each
 * session once.
 * Single node: nothing to do.
 * Returns the stop function.
 */
export function sweepDeadNodeSessions(deps: {
  cluster: Cluster;
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  checkEveryMs: number;
}): () => void {
  if (!deps.cluster.isClustered) return () => undefined;
  let isSweeping = false;
  return repeat(
    deps.clock,
    () => {
      if (isSweeping) return;
      isSweeping = true;
      deps.cluster
        .nodes()
        .then((nodes) =>
          deps.store.sessions.endOnDeadNodes(
            deps.clock.now(),
            DEAD_RELAY_NODE_REASON,
            nodes.filter((node) => node.isAlive).map((node) => node.id),
          ),
        )
        .then(async (ended) => {
          if (ended.length === 0) return;
          deps.log.warn(
            { sessions: ended.map((session) => session.id) },
            'ended sessions of a dead relay node',
          );
          for (const session of ended)
            await deps.audit.record({
              action: 'session.ended',
              actor: 'system',
              target: session.deviceId,
              details: { sessionId: session.id, reason: DEAD_RELAY_NODE_REASON },
            });
        })
        .catch((error: unknown) =>
          deps.log.warn({ err: error }, 'cannot end the sessions of dead nodes; retrying'),
        )
        .finally(() => (isSweeping = false));
    },
    deps.checkEveryMs,
  );
}
