import { parseArgs } from 'node:util';

/** The scenarios, by the letters of the benchmark brief. */
export const SCENARIOS = {
  a: 'relay throughput',
  b: 'memory per idle agent',
  c: 'reconnect storm',
  d: 'session open to first byte',
  e: 'keystroke round trip',
  f: 'file transfer',
  g: 'desktop open to first frame',
  h: 'concurrent desktop-like sessions',
  m: 'start-up time and memory (bundle vs tsx)',
  n: 'agent package: sizes, install, packaged agent start-up and memory',
  i: 'SIGKILL during recorded sessions',
  j: 'database outage under load',
  k: 'soak',
  l: 'slow reader against a fast device',
  o: 'reconnect storm through connection admission (A-13)',
  p: 'relay across cluster nodes: single node vs direct vs NATS (X-3)',
  q: 'cluster node killed: its agents back on the other nodes (issue 16)',
  r: 'beside MeshCentral: keystroke echo and memory per idle agent, both measured here',
} as const;
export type ScenarioKey = keyof typeof SCENARIOS;

/**
 * The reliability scenarios take minutes each (the soak half an hour), and (r) installs
 * MeshCentral (~140 MB from npm) and starts its native agents: they run only when `--only`
 * names them, never in a plain `npm run bench`.
 */
const ON_REQUEST: readonly ScenarioKey[] = ['i', 'j', 'k', 'l', 'o', 'p', 'q', 'r'];

/** What `npm run bench -- …` asked for. */
export interface BenchOptions {
  only: Set<ScenarioKey>;
  agents: number;
  workers: number;
  sessions: number;
  keystrokes: number;
  /** MiB sent each way per relay run. */
  relayMiB: number;
  relayRounds: number;
  settleSec: number;
  /** MiB of the largest file of scenario (f); 10 and 100 MiB are always measured too. */
  fileMiB: number;
  /** Times each size of scenario (f) goes each way, through Tether and the bare pipe. */
  fileRounds: number;
  /** Desktop sessions opened one after another in scenario (g). */
  desktopSessions: number;
  /** Concurrent desktop-like sessions in scenario (h), each at `desktopKBps` both ways. */
  desktopStreams: number;
  desktopKBps: number;
  /** Rounds of each start-up measurement in scenario (m). */
  startupRuns: number;
  /** Scenario (i): server kills, and recorded sessions open at each. */
  kills: number;
  crashSessions: number;
  /** Scenario (j): how long PostgreSQL stays stopped, and the agents connected meanwhile. */
  outageSec: number;
  outageAgents: number;
  /** Scenario (k): minutes of soak, and the agents heartbeating throughout. */
  soakMin: number;
  soakAgents: number;
  /** Scenario (l): the technician's reading rate and the device's sending rate. */
  readerKBps: number;
  deviceMBps: number;
  /**
   * Scenarios (o) and (q): the fleet, its worker processes, and the server's (in (q), the
   * cluster's) admission rate.
   */
  stormAgents: number;
  stormWorkers: number;
  admissionRate: number;
  /**
   * Scenario (o): a baseline build's bundled `tether.mjs` (e.g. main's, built in another
   * worktree) whose storms alternate with this build's on the same fleet, `stormRounds` each.
   */
  baselineCli: string | undefined;
  stormRounds: number;
  /** Scenario (r): MeshCentral's agents (native processes, ~0.6 s each to enrol); Tether's are `agents`. */
  meshAgents: number;
}

export const USAGE = `npm run bench -- [--only a,b,c,d,e,f,g,h,m,n] [--agents 2000] [--workers 4]
                    [--sessions 50] [--keystrokes 500] [--relay-mib 100] [--relay-rounds 3]
                    [--settle-sec 20] [--file-mib 1024] [--file-rounds 3]
                    [--desktop-sessions 20] [--desktop-streams 200] [--desktop-kbps 200]
                    [--startup-runs 5]
                    [--kills 50] [--crash-sessions 20] [--outage-sec 60] [--outage-agents 200]
                    [--soak-min 30] [--soak-agents 1000] [--reader-kbps 10] [--device-mbps 10]
                    [--storm-agents 15000] [--storm-workers 6] [--admission-rate 1000]
                    [--baseline-cli path/to/tether.mjs] [--storm-rounds 2]
                    [--mesh-agents 200]
(i, j, k, l, o, p, q, r run only when --only names them)`;

const isScenario = (key: string): key is ScenarioKey => key in SCENARIOS;

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a positive integer, got "${text}".\n${USAGE}`);
  return value;
}

/**
 * Parses the command line; throws with the usage on anything it does not understand.
 *
 * @example
 * parseBenchOptions(['--only', 'a,b', '--agents', '500']).only // Set { 'a', 'b' }
 */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      agents: { type: 'string' },
      workers: { type: 'string' },
      sessions: { type: 'string' },
      keystrokes: { type: 'string' },
      'relay-mib': { type: 'string' },
      'relay-rounds': { type: 'string' },
      'settle-sec': { type: 'string' },
      'file-mib': { type: 'string' },
      'file-rounds': { type: 'string' },
      'desktop-sessions': { type: 'string' },
      'desktop-streams': { type: 'string' },
      'desktop-kbps': { type: 'string' },
      'startup-runs': { type: 'string' },
      kills: { type: 'string' },
      'crash-sessions': { type: 'string' },
      'outage-sec': { type: 'string' },
      'outage-agents': { type: 'string' },
      'soak-min': { type: 'string' },
      'soak-agents': { type: 'string' },
      'reader-kbps': { type: 'string' },
      'device-mbps': { type: 'string' },
      'storm-agents': { type: 'string' },
      'storm-workers': { type: 'string' },
      'admission-rate': { type: 'string' },
      'baseline-cli': { type: 'string' },
      'storm-rounds': { type: 'string' },
      'mesh-agents': { type: 'string' },
    },
    strict: true,
  });
  const everyday = Object.keys(SCENARIOS).filter((key) => !ON_REQUEST.includes(key as ScenarioKey));
  const requested = (values.only ?? everyday.join(','))
    .split(',')
    .map((key) => key.trim().toLowerCase())
    .filter(Boolean);
  const unknown = requested.filter((key) => !isScenario(key));
  if (unknown.length > 0 || requested.length === 0)
    throw new Error(
      `--only takes letters among ${Object.keys(SCENARIOS).join(',')}, got "${values.only ?? ''}".\n${USAGE}`,
    );
  return {
    only: new Set(requested.filter(isScenario)),
    agents: positive('agents', values.agents, 2000),
    workers: positive('workers', values.workers, 4),
    sessions: positive('sessions', values.sessions, 50),
    keystrokes: positive('keystrokes', values.keystrokes, 500),
    relayMiB: positive('relay-mib', values['relay-mib'], 100),
    relayRounds: positive('relay-rounds', values['relay-rounds'], 3),
    settleSec: positive('settle-sec', values['settle-sec'], 20),
    fileMiB: positive('file-mib', values['file-mib'], 1024),
    fileRounds: positive('file-rounds', values['file-rounds'], 3),
    desktopSessions: positive('desktop-sessions', values['desktop-sessions'], 20),
    desktopStreams: positive('desktop-streams', values['desktop-streams'], 200),
    desktopKBps: positive('desktop-kbps', values['desktop-kbps'], 200),
    startupRuns: positive('startup-runs', values['startup-runs'], 5),
    kills: positive('kills', values.kills, 50),
    crashSessions: positive('crash-sessions', values['crash-sessions'], 20),
    outageSec: positive('outage-sec', values['outage-sec'], 60),
    outageAgents: positive('outage-agents', values['outage-agents'], 200),
    soakMin: positive('soak-min', values['soak-min'], 30),
    soakAgents: positive('soak-agents', values['soak-agents'], 1000),
    readerKBps: positive('reader-kbps', values['reader-kbps'], 10),
    deviceMBps: positive('device-mbps', values['device-mbps'], 10),
    // 15,000 agents: 6 processes of 2,500 sockets each stay far below the 20,000 open files a
    // process may have here.
    stormAgents: positive('storm-agents', values['storm-agents'], 15_000),
    stormWorkers: positive('storm-workers', values['storm-workers'], 6),
    admissionRate: positive('admission-rate', values['admission-rate'], 1000),
    baselineCli: values['baseline-cli'],
    stormRounds: positive('storm-rounds', values['storm-rounds'], 2),
    meshAgents: positive('mesh-agents', values['mesh-agents'], 200),
  };
}
