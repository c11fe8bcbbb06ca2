import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentMemoryResult } from '../scenarios/agent-memory.js';
import type { ReconnectStormResult } from '../scenarios/reconnect-storm.js';
import type { RelayThroughputResult } from '../scenarios/relay-throughput.js';
import type { KeystrokeResult, SessionFirstByteResult } from '../scenarios/terminal-latency.js';
import {
  desktopFirstFrameRows,
  type DesktopFirstFrameResult,
} from '../scenarios/desktop-first-frame.js';
import { desktopLoadRows, type DesktopLoadResult } from '../scenarios/desktop-load.js';
import { fileTransferRows, type FileTransferResult } from '../scenarios/file-transfer.js';
import { startupRows, type StartupResult } from '../scenarios/startup.js';
import { agentPackageRows, type AgentPackageResult } from '../scenarios/agent-package.js';
import { reliabilityRows, type ReliabilityResults } from '../scenarios/reliability-rows.js';
import { MESHCENTRAL_REFERENCE } from './reference.js';
import type { ClusterRelayResult } from '../cluster-relay.js';
import {
  besideMeshCentralRows,
  type BesideMeshCentralResult,
} from '../scenarios/beside-meshcentral.js';

/** Everything one run measured; written as JSON. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMiB: number;
    node: string;
    platform: string;
    bufferutil: boolean;
  };
  options: Record<string, unknown>;
  results: {
    relayThroughput?: RelayThroughputResult;
    agentMemory?: AgentMemoryResult;
    reconnectStorm?: ReconnectStormResult;
    sessionFirstByte?: SessionFirstByteResult;
    keystrokeRoundTrip?: KeystrokeResult;
    fileTransfer?: FileTransferResult;
    desktopFirstFrame?: DesktopFirstFrameResult;
    desktopLoad?: DesktopLoadResult;
    startup?: StartupResult;
    agentPackage?: AgentPackageResult;
    clusterRelay?: ClusterRelayResult;
    besideMeshCentral?: BesideMeshCentralResult;
  } & ReliabilityResults;
  reference: typeof MESHCENTRAL_REFERENCE;
  errors: { scenario: string; message: string }[];
  cleanupFailures: string[];
}

/**
 * Writes the report to `<dir>/<ISO date>.json` and `<dir>/latest.json`; returns the dated path.
 *
 * @example
 * const file = await writeReport(report, 'bench/results');
 */
export async function writeReport(report: BenchReport, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  // Colons are legal on Linux but not on every file system the results may be copied to.
  const file = join(dir, `${report.startedAt.replace(/:/g, '-')}.json`);
  await writeFile(file, text);
  await writeFile(join(dir, 'latest.json'), text);
  return file;
}

/** A multi-line error (a child's stack trace) squeezed into one table cell; the JSON has it all. */
const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
};

type Row = [scenario: string, metric: string, measured: string, target: string, verdict: string];

const verdict = (passed: boolean): string => (passed ? 'PASS' : 'FAIL');
const ms = (value: number | null): string => (value === null ? '—' : `${Math.round(value)} ms`);

function recordedText(recorded: RelayThroughputResult['recordedTerminalOutput']): string {
  if (recorded.completed) return `${recorded.MBps} MB/s`;
  const mib = (recorded.bytesEchoed / 2 ** 20).toFixed(0);
  return `ended after ${mib} MiB: ${recorded.interruptedBy ?? ''}`;
}

function clusterRelayRows(result: ClusterRelayResult): Row[] {
  const { keystrokeMs: ms, throughputMBps: mbps, target } = result;
  const p99 = `≤ ${target.maxKeystrokeP99Ms} ms`;
  const ratio = `≥ ${target.minThroughputRatio}× single`;
  return [
    ['p', 'keystroke p50/p99, single node', `${ms.singleNode.p50}/${ms.singleNode.p99} ms`, '', ''],
    [
      'p',
      'keystroke p50/p99, cross-node direct',
      `${ms.crossNodeDirect.p50}/${ms.crossNodeDirect.p99} ms`,
      p99,
      verdict(ms.crossNodeDirect.p99 <= target.maxKeystrokeP99Ms),
    ],
    [
      'p',
      'keystroke p50/p99, cross-node NATS',
      `${ms.crossNodeNats.p50}/${ms.crossNodeNats.p99} ms`,
      p99,
      verdict(ms.crossNodeNats.p99 <= target.maxKeystrokeP99Ms),
    ],
    ['p', 'relay echo, single node', `${mbps.singleNode} MB/s`, '', ''],
    [
      'p',
      'relay echo, cross-node direct',
      `${mbps.crossNodeDirect} MB/s (${result.throughputRatio.direct}×)`,
      ratio,
      verdict(result.throughputRatio.direct >= target.minThroughputRatio),
    ],
    [
      'p',
      'relay echo, cross-node NATS',
      `${mbps.crossNodeNats} MB/s (${result.throughputRatio.nats}×)`,
      ratio,
      verdict(result.throughputRatio.nats >= target.minThroughputRatio),
    ],
  ];
}

function relayRows(result: RelayThroughputResult): Row[] {
  const { relayUploadMiBps: up, relayDownloadMiBps: down } = MESHCENTRAL_REFERENCE;
  return [
    [
      'a',
      'relay, 64 KiB echo, both directions',
      `${result.relayMBps} MB/s`,
      `≥ ${result.target.minMBps} MB/s`,
      verdict(result.relayMBps >= result.target.minMBps),
    ],
    ['a', 'bare ws→ws pipe, same client code', `${result.barePipeMBps} MB/s`, '', ''],
    [
      'a',
      'relay ÷ bare pipe',
      `${result.ratio}×`,
      `≥ ${result.target.minRatio}×`,
      verdict(result.ratio >= result.target.minRatio),
    ],
    [
      'a',
      'relay, each direction',
      `${result.relayMiBpsEachWay} MiB/s`,
      `ref ${up.min}–${up.max} up, ${down.min}–${down.max} down*`,
      '',
    ],
    ['a', 'relay, recorded terminal output', recordedText(result.recordedTerminalOutput), '', ''],
  ];
}

function memoryRows(result: AgentMemoryResult): Row[] {
  const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
  return [
    [
      'b',
      `server RSS per idle agent (${result.agents} agents)`,
      `${result.kibPerAgent} KiB`,
      `≤ ${result.target.maxKibPerAgent} KiB`,
      verdict(result.passed),
    ],
    [
      'b',
      'server RSS baseline → loaded',
      `${mib(result.baselineRssKib)} → ${mib(result.loadedRssKib)}`,
      '',
      '',
    ],
    ['b', 'server V8 heap per agent', `${result.heapKibPerAgent} KiB`, '', ''],
    ['b', 'bare ws server, per idle TLS socket', `${result.bareWsTlsKibPerConnection} KiB`, '', ''],
    [
      'b',
      'after a forced GC: server RSS / heap per agent',
      `${result.afterGc.kibPerAgent} / ${result.afterGc.heapKibPerAgent} KiB`,
      `ref ${MESHCENTRAL_REFERENCE.idleAgentKibAfterGc} KiB*`,
      '',
    ],
    [
      'b',
      'after a forced GC: bare ws RSS / heap per socket',
      `${result.afterGc.bareWsTlsKibPerConnection} / ${result.afterGc.bareWsTlsHeapKibPerConnection} KiB`,
      '',
      '',
    ],
    ['b', `cold connect of ${result.agents} agents`, ms(result.initialConnectMs), '', ''],
    [
      'b',
      'CPU: server / agent workers',
      `${ms(result.initialConnectServerCpuMs)} / ${ms(result.initialConnectAgentsCpuMs)}`,
      '',
      '',
    ],
    [
      'b',
      'connection attempts dropped (listen queue full)',
      String(result.initialConnectListenOverflows),
      '',
      '',
    ],
  ];
}

function stormRows(result: ReconnectStormResult): Row[] {
  return [
    [
      'c',
      `SIGKILL → all ${result.agents} agents back`,
      ms(result.allOnlineMs),
      `≤ ${result.target.maxMs} ms`,
      verdict(result.allOnlineMs !== null && result.allOnlineMs <= result.target.maxMs),
    ],
    ['c', 'of which: server restart until listening', ms(result.serverRestartMs), '', ''],
    ['c', 'server restart with no agent connected', ms(result.idleServerRestartMs), '', ''],
    [
      'c',
      'CPU: server / agent workers',
      `${ms(result.serverCpuMs)} / ${ms(result.agentsCpuMs)}`,
      '',
      '',
    ],
    [
      'c',
      'connection attempts dropped (listen queue full)',
      String(result.listenOverflows),
      '',
      '',
    ],
    [
      'c',
      'agents that did not come back (60 s)',
      String(result.failed),
      `${result.target.maxFailed}`,
      verdict(result.failed <= result.target.maxFailed),
    ],
  ];
}

function latencyRows(firstByte?: SessionFirstByteResult, keystroke?: KeystrokeResult): Row[] {
  const rows: Row[] = [];
  const { min, max } = MESHCENTRAL_REFERENCE.shellOpenToFirstPromptMs;
  if (firstByte) {
    const { p50, p99 } = firstByte.firstByteMs;
    rows.push([
      'd',
      `session open → first byte (${firstByte.sessions} sessions)`,
      `p50 ${p50} / p99 ${p99} ms`,
      `ref ${min}–${max} ms*`,
      '',
    ]);
    rows.push([
      'd',
      'of which: POST answered / relay open (p50)',
      `${firstByte.createMs.p50} / ${firstByte.openMs.p50} ms`,
      '',
      '',
    ]);
    rows.push([
      'd',
      'login shell start-up alone ($SHELL -l)',
      `${firstByte.loginShellStartMs} ms`,
      '',
      '',
    ]);
  }
  if (keystroke) {
    const { p50, p99 } = keystroke.roundTripMs;
    const { localPtyMs, barePipeMs } = keystroke.reference;
    const mesh = MESHCENTRAL_REFERENCE.keystrokeEchoMs;
    rows.push([
      'e',
      `keystroke round trip (${keystroke.samples} samples)`,
      `p50 ${p50} / p99 ${p99} ms`,
      `ref p50 ${mesh.p50} / p99 ${mesh.p99} ms*`,
      '',
    ]);
    rows.push([
      'e',
      'same run: local pty + shell, no network',
      `p50 ${localPtyMs.p50} / p99 ${localPtyMs.p99} ms`,
      '',
      '',
    ]);
    rows.push([
      'e',
      'same run: bare ws pipe to an echoing process',
      `p50 ${barePipeMs.p50} / p99 ${barePipeMs.p99} ms`,
      '',
      '',
    ]);
    rows.push([
      'e',
      'Tether ÷ (local pty + bare pipe)',
      `p50 ${keystroke.ratio.p50}× / p99 ${keystroke.ratio.p99}×`,
      '',
      '',
    ]);
    const bulk = keystroke.bulkOutput;
    const mib = (bulk.requestedBytes / 2 ** 20).toFixed(0);
    const outcome = bulk.completed
      ? `${bulk.MBps} MB/s`
      : `ended after ${(bulk.receivedBytes / 2 ** 20).toFixed(0)} MiB: ${bulk.interruptedBy ?? ''}`;
    rows.push(['e', `same terminal: ${mib} MiB of shell output, recorded`, outcome, '', '']);
  }
  return rows;
}

/**
 * The report as a text table (stdout of `npm run bench`).
 *
 * @example
 * process.stdout.write(formatTable(report));
 */
export function formatTable(report: BenchReport): string {
  const { results } = report;
  const rows: Row[] = [
    ...(results.relayThroughput ? relayRows(results.relayThroughput) : []),
    ...(results.agentMemory ? memoryRows(results.agentMemory) : []),
    ...(results.reconnectStorm ? stormRows(results.reconnectStorm) : []),
    ...latencyRows(results.sessionFirstByte, results.keystrokeRoundTrip),
    ...(results.fileTransfer ? fileTransferRows(results.fileTransfer) : []),
    ...(results.desktopFirstFrame ? desktopFirstFrameRows(results.desktopFirstFrame) : []),
    ...(results.desktopLoad ? desktopLoadRows(results.desktopLoad) : []),
    ...(results.startup ? startupRows(results.startup) : []),
    ...(results.agentPackage ? agentPackageRows(results.agentPackage) : []),
    ...reliabilityRows(results),
    ...(results.clusterRelay ? clusterRelayRows(results.clusterRelay) : []),
    ...(results.besideMeshCentral ? besideMeshCentralRows(results.besideMeshCentral) : []),
    ...report.errors.map((error): Row => [
      error.scenario,
      'ERROR',
      oneLine(error.message),
      '',
      'FAIL',
    ]),
  ];
  const header: Row = ['', 'metric', 'measured', 'target', ''];
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: Row): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ];
  lines.push('', `* ${MESHCENTRAL_REFERENCE.label}: ${MESHCENTRAL_REFERENCE.source}.`);
  return `${lines.join('\n')}\n`;
}
