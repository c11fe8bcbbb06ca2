import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '../../test/support/cli.js';
import type { Cleanup } from '../lib/cleanup.js';
import { readCpuMs } from '../lib/proc-stats.js';
import { FromWorker, type ToWorker } from './fleet-messages.js';

const ENTRY = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
const ENROLL_CONCURRENCY = 4;

/** Many real agents spread over worker processes. */
export interface Fleet {
  readonly size: number;
  /** Enrols every agent with its own key and data dir; resolves with how many succeeded. */
  enroll(token: string): Promise<{ enrolled: number; failures: string[] }>;
  /** Starts every enrolled agent (they connect at once). */
  start(): Promise<void>;
  /** Reconnect churn: `count` agents, spread over the workers, stop and start again. */
  churn(count: number): Promise<void>;
  /** Stops every agent cleanly and waits for the workers to exit. */
  stop(): Promise<void>;
  /** CPU time all worker processes have used so far (ms). */
  cpuMs(): Promise<number>;
  /** Every worker's agents whose connection ended at or after `sinceEpochMs`, and why retries failed. */
  reconnections(
    sinceEpochMs: number,
  ): Promise<Omit<Extract<FromWorker, { type: 'reconnections' }>, 'type'>>;
}

interface Worker {
  child: ChildProcess;
  count: number;
  output(): string;
}

/** Sends a request and waits for the worker's answer of the expected type. */
function ask<T extends FromWorker['type']>(
  worker: Worker,
  request: ToWorker,
  expected: T,
  timeoutMs: number,
): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`fleet worker: no "${expected}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onExit = (): void => finish(new Error(`fleet worker exited:\n${worker.output()}`));
    const onMessage = (raw: unknown): void => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success)
        return finish(new Error(`fleet worker sent a bad message: ${parsed.error.message}`));
      if (parsed.data.type === 'failed')
        return finish(new Error(`fleet worker failed: ${parsed.data.message}`));
      if (parsed.data.type === expected)
        finish(undefined, parsed.data as Extract<FromWorker, { type: T }>);
    };
    function finish(error: Error | undefined, answer?: Extract<FromWorker, { type: T }>): void {
      clearTimeout(timer);
      worker.child.off('message', onMessage);
      worker.child.off('exit', onExit);
      if (answer) resolve(answer);
      else reject(error ?? new Error('fleet worker: no answer'));
    }
    worker.child.on('message', onMessage);
    worker.child.once('exit', onExit);
    worker.child.send(request);
  });
}

function spawnWorker(count: number, cleanup: Cleanup): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  // Keep only the tail: a few thousand agents logging one failure each must not fill memory.
  const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-8192));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  cleanup.defer(`fleet worker ${child.pid ?? '?'}`, () => stopProcess(child));
  return { child, count, output: () => output };
}

/**
 * Starts `workers` processes sharing `size` agents between them, against `serverUrl`.
 *
 * @example
 * const fleet = startFleet({ size: 2000, workers: 4, serverUrl, dir, cleanup });
 * await fleet.enroll(token);
 * await fleet.start();
 */
export function startFleet(options: {
  size: number;
  workers: number;
  serverUrl: string;
  dir: string;
  cleanup: Cleanup;
}): Fleet {
  const { size, cleanup } = options;
  const workers = Array.from({ length: options.workers }, (_, index) => {
    const count = Math.floor(size / options.workers) + (index < size % options.workers ? 1 : 0);
    return spawnWorker(count, cleanup);
  }).filter((worker) => worker.count > 0);
  return {
    size,
    async enroll(token) {
      const answers = await Promise.all(
        workers.map((worker, index) =>
          ask(
            worker,
            {
              type: 'enroll',
              serverUrl: options.serverUrl,
              token,
              count: worker.count,
              dataDir: join(options.dir, `worker-${index}`),
              concurrency: ENROLL_CONCURRENCY,
            },
            'enrolled',
            Math.max(240_000, worker.count * 150),
          ),
        ),
      );
      return {
        enrolled: answers.reduce((sum, answer) => sum + answer.enrolled, 0),
        failures: answers.flatMap((answer) => answer.failures),
      };
    },
    async start() {
      // Each worker starts its agents one after another: thousands take a while on 2 cores.
      await Promise.all(
        workers.map((worker) =>
          ask(worker, { type: 'start' }, 'started', 60_000 + worker.count * 200),
        ),
      );
    },
    async churn(count) {
      const each = Math.max(1, Math.round(count / workers.length));
      await Promise.all(
        workers.map((worker) => ask(worker, { type: 'churn', count: each }, 'churned', 60_000)),
      );
    },
    async cpuMs() {
      const used = await Promise.all(workers.map((worker) => readCpuMs(worker.child.pid ?? 0)));
      return used.reduce((sum, value) => sum + value, 0);
    },
    async reconnections(sinceEpochMs) {
      const answers = await Promise.all(
        workers.map((worker) =>
          ask(worker, { type: 'reconnections', sinceEpochMs }, 'reconnections', 60_000),
        ),
      );
      const failures: Record<string, number> = {};
      for (const answer of answers)
        for (const [why, count] of Object.entries(answer.failures))
          failures[why] = (failures[why] ?? 0) + count;
      return { agents: answers.flatMap((answer) => answer.agents), failures };
    },
    async stop() {
      await Promise.all(
        workers.map(async (worker) => {
          if (worker.child.connected)
            // A worker that cannot stop its agents cleanly is terminated just below anyway.
            await ask(worker, { type: 'stop' }, 'stopped', 30_000).catch(() => undefined);
          await stopProcess(worker.child);
        }),
      );
    },
  };
}

/**
 * {@link startFleet}, stopped by `cleanup`, with every agent enrolled through `token`; fails
 * unless all were. Resolves with the fleet (not started) and how long enrolment took.
 *
 * @example
 * const { fleet, enrolMs } = await enrolFleet(cleanup, { size, workers, serverUrl, dir, token });
 * await fleet.start();
 */
export async function enrolFleet(
  cleanup: Cleanup,
  options: { size: number; workers: number; serverUrl: string; dir: string; token: string },
): Promise<{ fleet: Fleet; enrolMs: number }> {
  const fleet = startFleet({ ...options, cleanup });
  cleanup.defer('fleet', () => fleet.stop());
  const startedAt = performance.now();
  const enrolment = await fleet.enroll(options.token);
  if (enrolment.enrolled !== options.size)
    throw new Error(
      `only ${enrolment.enrolled} of ${options.size} agents enrolled: ${enrolment.failures.join('; ')}`,
    );
  return { fleet, enrolMs: performance.now() - startedAt };
}
