import type { StatisticsSettings } from '@tether/protocol';
import type { CancelTimer, Clock } from '../clock.js';

/** The intervals a growing fleet steps through: few steps, so few settings pushes. */
export const LENGTHENED_INTERVALS_SEC = [
  10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600,
] as const;

const LONGEST_SEC = 3600;

/** No interval is shorter than this (the settings' own minimum): below it, no lengthening. */
export const SHORTEST_INTERVAL_SEC = 5;

/** A fleet shrinking back steps down only below this share of a step's agents (no flapping). */
const STEP_DOWN_SHARE = 0.8;

/**
 * The connected agents hear of a new step once the number of connected agents has been still
 * this long: a reconnect storm (a restart, a cluster node lost) that crossed it is over by
 * then, and a push to every agent does not compete with the storm's handshakes (measured: on a
 * cluster survivor taking over 2,500 agents, an immediate push to its 7,500 wrote more than the
 * handshakes did; a push due 30 s after a step still landed in a storm that began meanwhile).
 */
export const DEFAULT_PUSH_DELAY_MS = 30_000;

/** A fleet never still for that long (constant churn) hears of a step at most this late. */
const LATEST_PUSH_FACTOR = 10;

/**
 * The shortest interval, as a step of {@link LENGTHENED_INTERVALS_SEC}, at which `agents`
 * connected agents stay within `samplesPerSec`; 0 when any interval does.
 */
export function loadIntervalSec(agents: number, samplesPerSec: number): number {
  const needed = agents / samplesPerSec;
  if (needed <= SHORTEST_INTERVAL_SEC) return 0;
  return LENGTHENED_INTERVALS_SEC.find((step) => step >= needed) ?? LONGEST_SEC;
}

/** `settings` with an interval of at least `minimumSec`. */
export function lengthened(settings: StatisticsSettings, minimumSec: number): StatisticsSettings {
  return settings.intervalSec >= minimumSec ? settings : { ...settings, intervalSec: minimumSec };
}

/** The statistics load of one server; see {@link createStatisticsLoad}. */
export interface StatisticsLoad {
  /** The settings an agent gets: `settings` with the interval lengthened for the load. */
  lengthen(settings: StatisticsSettings): StatisticsSettings;
  /** The agents connected to this server changed to `agents`. */
  update(agents: number): void;
  /** The shortest interval the load allows now (0: any). */
  readonly minimumSec: number;
  readonly samplesPerSec: number;
  /** Cancels a push still waiting for its delay. */
  stop(): void;
}

/**
 * A longer statistics interval as the fleet grows: a server takes at most `samplesPerSec`
 * samples a second from its agents, so with N agents connected none reports more often than
 * every N ÷ `samplesPerSec` seconds (rounded up to a step of {@link LENGTHENED_INTERVALS_SEC}).
 * Each statistics sample is a database write; 15,000 agents at the default 15 s would be 1,000
 * writes a second, most of a small server's capacity. Agents welcomed get the current step at
 * once; once the count of connected agents has been still for `pushDelayMs` (and at most ten
 * times that after the step changed), `push` sends it to the connected agents (steps crossed
 * meanwhile go out together, as the step reached by then). A fleet
 * shrinking back steps down once below {@link STEP_DOWN_SHARE} of a step, so a count hovering at
 * a boundary does not push again and again.
 *
 * @example
 * const load = createStatisticsLoad({ samplesPerSec: 200, clock, push: (minimumSec) => pushAll(minimumSec) });
 * presence.events.on('online', () => load.update(presence.size));
 * load.lengthen({ intervalSec: 15, enabled: ['cpu'] }); // intervalSec 30 with 5,000 agents
 */
export function createStatisticsLoad(options: {
  samplesPerSec: number;
  clock: Clock;
  /** Sends the connected agents their settings lengthened to `minimumSec`. */
  push: (minimumSec: number) => Promise<void>;
  /**
   * Whether a step from `previousSec` to `nextSec` changes any agent's interval (a step below
   * every configured interval changes none, and is then not pushed); default: always.
   */
  changesIntervals?: (previousSec: number, nextSec: number) => boolean;
  pushDelayMs?: number;
}): StatisticsLoad {
  const { samplesPerSec, clock } = options;
  const delayMs = options.pushDelayMs ?? DEFAULT_PUSH_DELAY_MS;
  let minimumSec = 0;
  let pushedSec = 0;
  let pending: CancelTimer | undefined;
  /** When the waiting push is due: `delayMs` after the last change of the count, or at latest. */
  let dueAt = 0;
  let latestAt = 0;

  const pushWhenDue = (): void => {
    const waitMs = Math.min(dueAt, latestAt) - clock.now().getTime();
    if (waitMs > 0) {
      pending = clock.setTimer(pushWhenDue, waitMs);
      return;
    }
    pending = undefined;
    if (minimumSec === pushedSec) return;
    const previousSec = pushedSec;
    pushedSec = minimumSec;
    if (options.changesIntervals?.(previousSec, minimumSec) === false) return;
    // A failed push leaves the agents on their last settings; the next change pushes again.
    options.push(pushedSec).catch(() => (pushedSec = -1));
  };

  return {
    lengthen: (settings) => lengthened(settings, minimumSec),
    update(agents) {
      const now = clock.now().getTime();
      // Agents still arriving or leaving: a waiting push waits for them to settle.
      dueAt = now + delayMs;
      const up = loadIntervalSec(agents, samplesPerSec);
      const down = loadIntervalSec(agents / STEP_DOWN_SHARE, samplesPerSec);
      const next = up > minimumSec ? up : Math.min(minimumSec, down);
      if (next === minimumSec) return;
      minimumSec = next;
      if (pending) return;
      latestAt = now + LATEST_PUSH_FACTOR * delayMs;
      pending = clock.setTimer(pushWhenDue, delayMs);
    },
    get minimumSec() {
      return minimumSec;
    },
    samplesPerSec,
    stop() {
      pending?.();
      pending = undefined;
    },
  };
}
