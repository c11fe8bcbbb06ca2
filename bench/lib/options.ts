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
} as const;
export type ScenarioKey = keyof typeof SCENARIOS;

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
}

export const USAGE = `npm run bench -- [--only a,b,c,d,e,f,g,h,m] [--agents 2000] [--workers 4]
                    [--sessions 50] [--keystrokes 500] [--relay-mib 100] [--relay-rounds 3]
                    [--settle-sec 20] [--file-mib 1024] [--file-rounds 3]
                    [--desktop-sessions 20] [--desktop-streams 200] [--desktop-kbps 200]
                    [--startup-runs 5]`;

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
    },
    strict: true,
  });
  const requested = (values.only ?? Object.keys(SCENARIOS).join(','))
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
  };
}
