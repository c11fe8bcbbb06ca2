import { z } from 'zod';
import type { Logger } from '../logging.js';
import type { Cluster } from './cluster.js';
import { subjects } from './subjects.js';

const Announced = z.object({
  origin: z.string(),
  username: z.string().max(256),
  source: z.string().max(256),
  at: z.number(),
});

/** Where a sign-in throttle hears of, and tells, the sources users signed in from. */
export interface KnownSourcesFeed {
  announce: (username: string, source: string, at: Date) => void;
  /** Calls `listener` with each source another node announced; returns the stop function. */
  onAnnounced: (listener: (username: string, source: string, at: Date) => void) => () => void;
}

/**
 * The sources users signed in from, told to every node of a cluster: a source known on
 * one node is served first and never locked out on the others too (the sign-in throttle's
 * known sources are per node; each node also re-learns them from the audit log at start).
 *
 * @example
 * const feed = knownSignInSources(cluster, log);
 * feed.onAnnounced((username, source, at) => throttle.rememberSuccess(username, source, at));
 */
export function knownSignInSources(cluster: Cluster, log: Logger): KnownSourcesFeed {
  return {
    announce(username, source, at) {
      cluster.bus.publish(subjects.signInSource, {
        origin: cluster.nodeId,
        username,
        source,
        at: at.getTime(),
      });
    },
    onAnnounced(listener) {
      return cluster.bus.subscribe(subjects.signInSource, (raw) => {
        const parsed = Announced.safeParse(raw);
        if (!parsed.success) log.warn('malformed sign-in source from another node ignored');
        else if (parsed.data.origin !== cluster.nodeId)
          listener(parsed.data.username, parsed.data.source, new Date(parsed.data.at));
      });
    },
  };
}
