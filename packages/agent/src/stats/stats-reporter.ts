import type { AgentMessage, StatisticKind, StatisticsSettings } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { StatsCollector } from './stats-collector.js';

/** The agent's last sample, kept across its connections (see {@link startStatsReporter}). */
export interface LastStatsSample {
  /** Epoch ms it was sent at. */
  at?: number;
  /** The statistics it held. */
  enabled?: readonly StatisticKind[];
}

/**
 * Sends a statistics sample now and then every `settings.intervalSec` while connected. Nothing
 * is sent when no kind is enabled. A sample still being collected when the next is due is not
 * doubled up.
 *
 * With `last` (the agent's own record, kept across connections): an agent back within the
 * interval of a sample of the same statistics sends its next one when it is due, not at once.
 * The server keeps the last sample, so the console loses nothing, and a fleet reconnecting at
 * once (a server restart, a cluster node lost) does not send every sample again on top of its
 * handshakes.
 *
 * @example
 * const last: LastStatsSample = {};
 * const stop = startStatsReporter({ clock, collector, settings, send, log, last });
 * // on disconnect or new settings:
 * stop();
 */
export function startStatsReporter(options: {
  clock: Clock;
  collector: StatsCollector;
  settings: StatisticsSettings;
  send: (message: AgentMessage) => void;
  log: Logger;
  last?: LastStatsSample;
}): CancelTimer {
  const { clock, collector, settings, send, log } = options;
  const last = options.last ?? {};
  if (settings.enabled.length === 0) return () => undefined;
  let isCollecting = false;
  let isStopped = false;
  const report = async (): Promise<void> => {
    if (isCollecting) return;
    isCollecting = true;
    try {
      const stats = await collector.collect(settings.enabled);
      if (isStopped) return;
      send({ type: 'stats', stats });
      last.at = clock.now().getTime();
      last.enabled = settings.enabled;
    } finally {
      isCollecting = false;
    }
  };
  const reportSafely = (): void => {
    report().catch((error: unknown) => log.warn({ err: error }, 'could not send statistics'));
  };
  const intervalMs = settings.intervalSec * 1000;
  const sinceLast = last.at === undefined ? Infinity : clock.now().getTime() - last.at;
  const isSame = sameKinds(last.enabled ?? [], settings.enabled);
  // Otherwise one sample at once, so the console shows figures as soon as the device comes online.
  const firstInMs = isSame && sinceLast >= 0 && sinceLast < intervalMs ? intervalMs - sinceLast : 0;
  let cancel: CancelTimer = () => undefined;
  const startRepeating = (): void => {
    reportSafely();
    cancel = repeat(clock, reportSafely, intervalMs);
  };
  if (firstInMs === 0) startRepeating();
  else cancel = clock.setTimer(startRepeating, firstInMs);
  return () => {
    isStopped = true;
    cancel();
  };
}

function sameKinds(a: readonly StatisticKind[], b: readonly StatisticKind[]): boolean {
  return a.length === b.length && a.every((kind) => b.includes(kind));
}
