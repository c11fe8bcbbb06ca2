import type { BenchOptions } from './lib/options.js';
import type { Stage } from './run.js';
import { measureCrashRecordings } from './scenarios/crash-recordings.js';
import { measureDatabaseOutage } from './scenarios/database-outage.js';
import { measureSlowReader } from './scenarios/slow-reader.js';
import { measureSoak } from './scenarios/soak.js';
import { measureAdmissionStorm } from './scenarios/admission-storm.js';
import { measureClusterFailover } from './scenarios/cluster-failover.js';

/**
 * The stages of the reliability scenarios (i–l), with time limits that grow with what was
 * asked for (a kill round takes ~10 s on a loaded 2-core machine; the soak its own length).
 */
export function reliabilityStages(options: BenchOptions): Stage[] {
  return [
    {
      keys: ['i'],
      timeoutMs: 120_000 + options.kills * 60_000,
      async run(cleanup, report) {
        report.results.crashRecordings = await measureCrashRecordings(cleanup, {
          kills: options.kills,
          sessions: options.crashSessions,
        });
      },
    },
    {
      keys: ['j'],
      timeoutMs: 360_000 + options.outageSec * 1000,
      async run(cleanup, report) {
        report.results.databaseOutage = await measureDatabaseOutage(cleanup, {
          outageSec: options.outageSec,
          agents: options.outageAgents,
        });
      },
    },
    {
      keys: ['k'],
      // Enrolment of the fleet, then the soak itself.
      timeoutMs: 600_000 + options.soakMin * 60_000,
      async run(cleanup, report) {
        report.results.soak = await measureSoak(cleanup, {
          minutes: options.soakMin,
          agents: options.soakAgents,
          workers: options.workers,
        });
      },
    },
    {
      keys: ['l'],
      timeoutMs: 180_000,
      async run(cleanup, report) {
        report.results.slowReader = await measureSlowReader(cleanup, {
          readerKBps: options.readerKBps,
          deviceMBps: options.deviceMBps,
          seconds: 30,
        });
      },
    },
    {
      keys: ['o'],
      // Enrolment (~100 agents a second on 2 cores), two connections of the fleet, the storm.
      timeoutMs:
        300_000 +
        options.stormAgents * 80 +
        (options.baselineCli ? options.stormRounds * 2 * (60_000 + options.stormAgents * 40) : 0),
      async run(cleanup, report) {
        report.results.admissionStorm = await measureAdmissionStorm(cleanup, {
          agents: options.stormAgents,
          workers: options.stormWorkers,
          admissionRate: options.admissionRate,
          baselineCli: options.baselineCli,
          compareRounds: options.stormRounds,
        });
      },
    },
    {
      keys: ['q'],
      // The cluster's start, enrolment (~100 agents a second), the first connection, the kill.
      timeoutMs: 420_000 + options.stormAgents * 80,
      async run(cleanup, report) {
        report.results.clusterFailover = await measureClusterFailover(cleanup, {
          agents: options.stormAgents,
          workers: options.stormWorkers,
          admissionRate: options.admissionRate,
        });
      },
    },
  ];
}
