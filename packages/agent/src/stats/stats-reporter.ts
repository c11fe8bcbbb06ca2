import type { AgentMessage, StatisticsSettings } from '@tether/protocol/agent';
import type { Logger } from '../logging.js';
import { repeat, type CancelTimer, type Clock } from '../clock.js';
import type { StatsCollector } from './stats-collector.js';

/**
 * Sends a statistics sample now and then every `settings.intervalSec` while connected. Nothing is sent when
 * no kind is enabled. A sample still being collected when the next is due is not doubled up.
 *
 * @example
 * const stop = startStatsReporter({ clock, collector, settings, send, log });
 * // on disconnect or new settings:
 * stop();
 */
export function startStatsReporter(options: {
  clock: Clock;
  collector: StatsCollector;
  settings: StatisticsSettings;
  send: (message: AgentMessage) => void;
  log: Logger;
}): CancelTimer {
  const { clock, collector, settings, send, log } = options;
  if (settings.enabled.length === 0) return () => undefined;
  let isCollecting = false;
  let isStopped = false;
  const report = async (): Promise<void> => {
    if (isCollecting) return;
    isCollecting = true;
    try {
      const stats = await collector.collect(settings.enabled);
      if (!isStopped) send({ type: 'stats', stats });
    } finally {
      isCollecting = false;
    }
  };
  const reportSafely = (): void => {
    report().catch((error: unknown) => log.warn({ err: error }, 'could not send statistics'));
  };
  // One sample at once, so the console shows figures as soon as the device comes online.
  reportSafely();
  const cancel = repeat(clock, reportSafely, settings.intervalSec * 1000);
  return () => {
    isStopped = true;
    cancel();
  };
}
