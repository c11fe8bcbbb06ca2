import { z } from 'zod';

/** What the benchmark asks of a fleet worker process (over its IPC channel). */
export const ToWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('enroll'),
    serverUrl: z.string(),
    token: z.string(),
    count: z.int().positive(),
    dataDir: z.string(),
    concurrency: z.int().positive(),
  }),
  /** Start every enrolled agent (`runAgent`). */
  z.object({ type: z.literal('start') }),
  /** Reconnect churn: stop `count` agents picked at random and start them again. */
  z.object({ type: z.literal('churn'), count: z.int().positive() }),
  /** Stop every agent cleanly; the worker exits once it is idle. */
  z.object({ type: z.literal('stop') }),
  /** How the agents whose connection ended at or after `sinceEpochMs` got back (scenario q). */
  z.object({ type: z.literal('reconnections'), sinceEpochMs: z.number() }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

/** A fleet worker's answers. */
export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enrolled'), enrolled: z.int(), failures: z.array(z.string()) }),
  z.object({ type: z.literal('started'), agents: z.int() }),
  z.object({ type: z.literal('stopped') }),
  z.object({ type: z.literal('churned'), agents: z.int() }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({
    type: z.literal('reconnections'),
    /** One entry per agent that lost its connection since then; times in ms after it. */
    agents: z.array(
      z.object({ lostMs: z.number(), backMs: z.number().nullable(), attempts: z.int() }),
    ),
    /** Why the attempts in between failed (close code and reason), with how many. */
    failures: z.record(z.string(), z.int()),
  }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
