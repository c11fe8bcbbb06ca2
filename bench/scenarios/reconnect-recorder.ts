import type { AgentHandle, RunAgentOptions } from '@tether/agent';
import type { FromWorker } from './fleet-messages.js';

type Logger = RunAgentOptions['log'];
type Reconnections = Extract<FromWorker, { type: 'reconnections' }>;

/** The agent's own log message for a failed or closed control channel (control-loop.ts). */
const CLOSED = 'control channel closed; reconnecting after a delay';
const DEFERRED = 'the server is admitting other agents first';

interface Attempt {
  at: number;
  why: string;
}

/** One agent's connection history: when it was lost and back, and the attempts in between. */
interface History {
  lostAt: number[];
  backAt: number[];
  attempts: Attempt[];
}

/**
 * Records, for each agent of a fleet worker, when its control channel ended, when it was
 * authenticated again and why each attempt in between failed (read from the agent's own
 * log lines, so the agent's code is unchanged): what scenario (q) needs to tell an agent that
 * noticed the cut late from one that kept trying.
 *
 * @example
 * const recorder = createReconnectRecorder();
 * const agent = await runAgent({ ...options, log: recorder.logFor(index, log) });
 * recorder.watch(index, agent);
 */
export function createReconnectRecorder() {
  const histories = new Map<number, History>();
  const historyOf = (index: number): History => {
    let history = histories.get(index);
    if (!history) histories.set(index, (history = { lostAt: [], backAt: [], attempts: [] }));
    return history;
  };
  const noting = (index: number, log: Logger): Logger => {
    const text = (value: unknown): string =>
      typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    const note = (fields: unknown, message: unknown): void => {
      const line = typeof fields === 'string' ? fields : text(message);
      if (line.startsWith(CLOSED)) {
        const { code, reason } = fields as { code?: unknown; reason?: unknown };
        const why = `${text(code) || '?'} ${text(reason)}`.trim();
        historyOf(index).attempts.push({ at: Date.now(), why });
      } else if (line.startsWith(DEFERRED)) {
        historyOf(index).attempts.push({ at: Date.now(), why: 'deferred (admission)' });
      }
    };
    return {
      debug: log.debug.bind(log),
      info: (fields: unknown, message?: unknown) => {
        note(fields, message);
        const info = log.info.bind(log) as (...args: unknown[]) => void;
        info(fields, message);
      },
      warn: log.warn.bind(log),
      error: log.error.bind(log),
      child: (bindings) => noting(index, log.child(bindings)),
    };
  };
  return {
    /** A logger for agent `index` that notes its failed attempts. */
    logFor: noting,
    /** Notes when agent `index`'s connection ends and when it is authenticated again. */
    watch(index: number, agent: AgentHandle): void {
      agent.onConnectionChange((isConnected) => {
        const history = historyOf(index);
        (isConnected ? history.backAt : history.lostAt).push(Date.now());
      });
    },
    /** Every agent whose connection ended at or after `since` (epoch ms), relative to it. */
    since(since: number): Omit<Reconnections, 'type'> {
      const agents: Reconnections['agents'] = [];
      const failures: Record<string, number> = {};
      for (const history of histories.values()) {
        const lostAt = history.lostAt.find((at) => at >= since);
        if (lostAt === undefined) continue;
        const backAt = history.backAt.find((at) => at >= lostAt);
        const attempts = history.attempts.filter(
          (attempt) => attempt.at >= lostAt && (backAt === undefined || attempt.at <= backAt),
        );
        // The first noted close is the lost connection itself, not a failed attempt.
        for (const attempt of attempts.slice(1))
          failures[attempt.why] = (failures[attempt.why] ?? 0) + 1;
        agents.push({
          lostMs: lostAt - since,
          backMs: backAt === undefined ? null : backAt - since,
          attempts: Math.max(0, attempts.length - 1),
        });
      }
      return { agents, failures };
    },
  };
}
