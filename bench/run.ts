/**
 * `npm run bench -- [--only a,b,c,d,e] [--agents N] …`: measures Tether on loopback and writes
 * bench/results/<ISO date>.json and bench/results/latest.json. See bench/README.md.
 */
import { fileURLToPath } from 'node:url';
import { Cleanup } from './lib/cleanup.js';
import { describeMachine } from './lib/machine.js';
import {
  SCENARIOS,
  parseBenchOptions,
  type BenchOptions,
  type ScenarioKey,
} from './lib/options.js';
import { MESHCENTRAL_REFERENCE } from './lib/reference.js';
import { formatTable, writeReport, type BenchReport } from './lib/report.js';
import { runAgentFleet } from './scenarios/agent-fleet.js';
import { measureRelayThroughput } from './scenarios/relay-throughput.js';
import { measureClusterRelay } from './cluster-relay.js';
import { measureTerminalLatency } from './scenarios/terminal-latency.js';
import { measureDesktopFirstFrame } from './scenarios/desktop-first-frame.js';
import { measureDesktopLoad } from './scenarios/desktop-load.js';
import { measureFileTransfer } from './scenarios/file-transfer.js';
import { measureStartup } from './scenarios/startup.js';
import { measureAgentPackage } from './scenarios/agent-package.js';
import { measureBesideMeshCentral } from './scenarios/beside-meshcentral.js';
import { reliabilityStages } from './reliability-stages.js';

const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

/** A group of scenarios that share their setup, with a time limit for the whole group. */
export interface Stage {
  keys: ScenarioKey[];
  timeoutMs: number;
  run(cleanup: Cleanup, report: BenchReport): Promise<void>;
}

function stages(options: BenchOptions): Stage[] {
  const has = (key: ScenarioKey): boolean => options.only.has(key);
  const all: Stage[] = [
    {
      keys: ['a'],
      timeoutMs: 120_000,
      async run(cleanup, report) {
        const bytesEachWay = options.relayMiB * 2 ** 20;
        report.results.relayThroughput = await measureRelayThroughput(cleanup, {
          bytesEachWay,
          rounds: options.relayRounds,
        });
      },
    },
    {
      keys: ['b', 'c'],
      timeoutMs: 300_000,
      async run(cleanup, report) {
        const { agents, workers, settleSec } = options;
        const fleet = await runAgentFleet(cleanup, {
          agents,
          workers,
          measureMemory: has('b'),
          measureStorm: has('c'),
          settleMs: settleSec * 1000,
        });
        if (fleet.memory) report.results.agentMemory = fleet.memory;
        if (fleet.storm) report.results.reconnectStorm = fleet.storm;
      },
    },
    {
      keys: ['d', 'e'],
      timeoutMs: 180_000,
      async run(cleanup, report) {
        const latency = await measureTerminalLatency(cleanup, {
          sessions: options.sessions,
          keystrokes: options.keystrokes,
          bulkBytes: options.relayMiB * 2 ** 20,
          measureFirstByte: has('d'),
          measureKeystrokes: has('e'),
        });
        if (latency.firstByte) report.results.sessionFirstByte = latency.firstByte;
        if (latency.keystroke) report.results.keystrokeRoundTrip = latency.keystroke;
      },
    },
    {
      keys: ['f'],
      // 10 and 100 MiB, then the large file: each size both ways through Tether and the pipe.
      timeoutMs: 120_000 + options.fileRounds * (options.fileMiB + 110) * 120,
      async run(cleanup, report) {
        report.results.fileTransfer = await measureFileTransfer(cleanup, {
          sizes: [10, 100, options.fileMiB].map((mib) => mib * 2 ** 20),
          rounds: options.fileRounds,
        });
      },
    },
    {
      keys: ['g'],
      timeoutMs: 180_000,
      async run(cleanup, report) {
        report.results.desktopFirstFrame = await measureDesktopFirstFrame(cleanup, {
          sessions: options.desktopSessions,
        });
      },
    },
    {
      keys: ['h'],
      timeoutMs: 180_000,
      async run(cleanup, report) {
        report.results.desktopLoad = await measureDesktopLoad(cleanup, {
          sessions: options.desktopStreams,
          bytesPerSecond: options.desktopKBps * 1000,
          seconds: 10,
        });
      },
    },
    {
      keys: ['m'],
      timeoutMs: 600_000,
      async run(cleanup, report) {
        report.results.startup = await measureStartup(cleanup, { runs: options.startupRuns });
      },
    },
    {
      keys: ['n'],
      timeoutMs: 600_000,
      async run(cleanup, report) {
        report.results.agentPackage = await measureAgentPackage(cleanup, {
          runs: options.startupRuns,
        });
      },
    },
    ...reliabilityStages(options),
    {
      keys: ['r'],
      // MeshCentral's install when missing (~140 MB), its agents' enrolment (~0.6 s each),
      // both fleets, and the keystrokes.
      timeoutMs: 600_000 + options.meshAgents * 3_000,
      async run(cleanup, report) {
        report.results.besideMeshCentral = await measureBesideMeshCentral(cleanup, {
          agents: options.agents,
          meshAgents: options.meshAgents,
          workers: options.workers,
          keystrokes: options.keystrokes,
          settleMs: options.settleSec * 1000,
        });
      },
    },
    {
      keys: ['p'],
      timeoutMs: 300_000,
      async run(cleanup, report) {
        report.results.clusterRelay = await measureClusterRelay(cleanup, {
          keystrokes: options.keystrokes,
          bytesEachWay: options.relayMiB * 2 ** 20,
          rounds: options.relayRounds,
        });
      },
    },
  ];
  // Each stage reports (and names itself by) only the scenarios that were asked for.
  return all
    .map((stage) => ({ ...stage, keys: stage.keys.filter(has) }))
    .filter((stage) => stage.keys.length > 0);
}

/** Runs one stage within its time limit; whatever it started is stopped before the next. */
async function runStage(stage: Stage, report: BenchReport, cleanup: Cleanup): Promise<void> {
  const name = stage.keys.join('+');
  process.stderr.write(
    `bench: ${stage.keys.map((key) => `(${key}) ${SCENARIOS[key]}`).join(', ')}…\n`,
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${stage.timeoutMs / 1000} s`)),
      stage.timeoutMs,
    );
  });
  const running = stage.run(cleanup, report);
  // Once the stage has timed out, its late failure (sockets torn down by cleanup) is expected.
  running.catch(() => undefined);
  try {
    await Promise.race([running, timedOut]);
  } catch (error) {
    report.errors.push({
      scenario: name,
      message: error instanceof Error ? error.message : String(error),
    });
  } finally {
    clearTimeout(timer);
    report.cleanupFailures.push(...(await cleanup.run()));
  }
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const startedAt = new Date();
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    durationSec: 0,
    machine: describeMachine(),
    options: { ...options, only: [...options.only].sort() },
    results: {},
    reference: MESHCENTRAL_REFERENCE,
    errors: [],
    cleanupFailures: [],
  };
  let current = new Cleanup();
  const interrupt = (): void => {
    process.stderr.write('bench: interrupted, stopping everything it started…\n');
    void current.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  for (const stage of stages(options)) {
    current = new Cleanup();
    await runStage(stage, report, current);
  }
  report.finishedAt = new Date().toISOString();
  report.durationSec = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
  const file = await writeReport(report, RESULTS_DIR);
  process.stdout.write(`\n${formatTable(report)}\nResults: ${file}\n`);
  for (const failure of report.cleanupFailures)
    process.stderr.write(`bench: cleanup failed: ${failure}\n`);
  return report.errors.length > 0 ? 1 : 0;
}

main().then(
  // Exit explicitly: idle keep-alive sockets of the HTTPS clients must not hold the run open.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
