import type { Summary } from '../lib/summary.js';
import type { ClusterFailoverResult } from './cluster-failover.js';

type Row = [scenario: string, metric: string, measured: string, target: string, verdict: string];

const ms = (value: number | null): string => (value === null ? 'n/a' : `${Math.round(value)} ms`);
const verdict = (isMet: boolean): string => (isMet ? 'PASS' : 'FAIL');
const distribution = (summary: Summary): string =>
  `${ms(summary.p50)} / ${ms(summary.p99)} / ${ms(summary.max)}`;
const spread = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([node, count]) => `${node} ${count}`)
    .join(', ');

/** The table rows of scenario (q). */
export function clusterFailoverRows(result: ClusterFailoverResult): Row[] {
  const { target } = result;
  return [
    [
      'q',
      `${result.heldByKilled} of ${result.agents} agents back after SIGKILL of ${result.killedNode}`,
      ms(result.allBackMs),
      `≤ ${target.maxAllBackMs} ms`,
      verdict(result.allBackMs !== null && result.allBackMs <= target.maxAllBackMs),
    ],
    [
      'q',
      `agents lost (not back ${result.lostAfterMs / 1000} s after the kill)`,
      String(result.lost),
      `${target.maxLost}`,
      verdict(result.lost <= target.maxLost),
    ],
    ['q', 'agents per node before', spread(result.spreadBefore), '', ''],
    ['q', 'agents per node after', spread(result.spreadAfter), '', ''],
    ['q', 'dead node listed by a survivor', ms(result.deadNodeSeenMs), '', ''],
    [
      'q',
      'online in the console of each survivor, a heartbeat later',
      result.afterLease ? spread(result.afterLease.consoleOnline) : 'n/a',
      `${result.agents} each`,
      verdict(
        Object.values(result.afterLease?.consoleOnline ?? {}).every(
          (online) => online === result.agents,
        ) && result.afterLease !== null,
      ),
    ],
    [
      'q',
      `connection end seen by the ${result.returning.agents} agents cut (p50 / p99 / max)`,
      distribution(result.returning.lostMs),
      '',
      '',
    ],
    ['q', 'the same agents back (p50 / p99 / max)', distribution(result.returning.backMs), '', ''],
    [
      'q',
      'failed attempts per agent in between (p50 / p99 / max)',
      `${result.returning.failedAttempts.p50} / ${result.returning.failedAttempts.p99} / ${result.returning.failedAttempts.max}`,
      '',
      '',
    ],
    ['q', 'why those attempts failed', spread(result.returning.failures), '', ''],
    ['q', 'CPU of the surviving nodes meanwhile', spread(result.survivorsCpuMs), '', ''],
    ['q', 'CPU of the fleet workers meanwhile', ms(result.fleetCpuMs), '', ''],
    ['q', 'CPU of the services meanwhile', spread(result.servicesCpuMs), '', ''],
    [
      'q',
      'the machine busy meanwhile (all processes)',
      `${ms(result.machine.busyMs)} of ${result.machine.cores} × ${ms(result.allBackMs)}`,
      '',
      '',
    ],
    [
      'q',
      'load average (1 min) at the kill / at the end',
      `${result.loadAverage.atKill.toFixed(1)} / ${result.loadAverage.atEnd.toFixed(1)}`,
      '',
      '',
    ],
    ['q', 'first connection of the fleet through HAProxy', ms(result.initialConnectMs), '', ''],
    ['q', '/metrics reads a node did not answer', String(result.metricsUnanswered), '', ''],
  ];
}
