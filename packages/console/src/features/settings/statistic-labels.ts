import type { StatisticKind } from '@tether/protocol';

/** Each statistic as the settings forms name it. */
export const statisticLabels: Record<StatisticKind, string> = {
  cpu: 'CPU use',
  memory: 'Memory use',
  disk: 'Disk use',
  uptime: 'Uptime',
  consoleUser: 'Console user (who is signed in at the machine)',
  screenThumbnail: 'Screen thumbnail (agents run with --vnc or --x11vnc-display)',
};
