import { availableParallelism } from 'node:os';
import { AppError } from '@tether/protocol';

/** How much password hashing may run and wait. */
export interface HashGateLimits {
  /**
   * Hashes running at once (each holds a libuv thread and 32 MiB for ~0.1–0.2 s); sources that
   * signed in before may use one more.
   */
  concurrency: number;
  /** Hashes waiting for a turn, from sources that never signed in; more are refused at once. */
  maxQueued: number;
  /** Of those, at most this many from one source. */
  maxQueuedPerSource: number;
  /** Hashes waiting from sources that signed in before (an attacker cannot fill this lane). */
  maxQueuedKnown: number;
}

/**
 * At most half the cores hash at once: libuv's 4 threads also serve file and DNS work, and the
 * event loop keeps a core. 32 waiting at ~0.2 s each is a few seconds at worst.
 */
export const HASH_GATE_LIMITS: HashGateLimits = {
  concurrency: Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2))),
  maxQueued: 32,
  maxQueuedPerSource: 4,
  maxQueuedKnown: 64,
};

interface Waiter {
  start(): void;
}

/**
 * Bounds concurrent password hashing (issue 10), so that a flood of bogus sign-ins cannot queue
 * hundreds of scrypt runs in front of a real one (measured: 0.17 s → 21.8 s under 150 at once).
 * Sources that signed in to the account before are served first; the others take turns per
 * source (one source cannot push the others back), and when too many wait, a new attempt is
 * refused at once with RATE_LIMITED instead of waiting for seconds.
 */
export class HashGate {
  private running = 0;
  private readonly known: Waiter[] = [];
  /** Waiting per source; Map order is the turn order (a served source goes to the back). */
  private readonly bySource = new Map<string, Waiter[]>();
  private queued = 0;

  constructor(private readonly limits: HashGateLimits = HASH_GATE_LIMITS) {}

  /** Runs `hash` when its turn comes; throws RATE_LIMITED when there is no room to wait. */
  async run<T>(
    hash: () => Promise<T>,
    turn: { source: string; isKnownSource: boolean },
  ): Promise<T> {
    const canStartNow = turn.isKnownSource
      ? this.known.length === 0 && this.running < this.limits.concurrency + 1
      : this.known.length + this.queued === 0 && this.running < this.limits.concurrency;
    if (canStartNow) this.running += 1;
    else await this.waitForTurn(turn);
    try {
      return await hash();
    } finally {
      this.running -= 1;
      this.next();
    }
  }

  private waitForTurn(turn: { source: string; isKnownSource: boolean }): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { start: resolve };
      if (turn.isKnownSource) {
        if (this.known.length >= this.limits.maxQueuedKnown) return reject(busy());
        this.known.push(waiter);
        return;
      }
      const waiting = this.bySource.get(turn.source) ?? [];
      if (this.queued >= this.limits.maxQueued || waiting.length >= this.limits.maxQueuedPerSource)
        return reject(busy());
      waiting.push(waiter);
      this.bySource.set(turn.source, waiting);
      this.queued += 1;
    });
  }

  /**
   * Hands free slots on: known sources first, and they have one slot more than the others, so a
   * flood holding every slot still leaves one for its owner; then the next source's turn.
   */
  private next(): void {
    for (;;) {
      const waiter =
        this.known.length > 0 && this.running < this.limits.concurrency + 1
          ? this.known.shift()
          : this.running < this.limits.concurrency
            ? this.nextBySource()
            : undefined;
      if (!waiter) return;
      this.running += 1;
      waiter.start();
    }
  }

  private nextBySource(): Waiter | undefined {
    for (const [source, waiting] of this.bySource) {
      const waiter = waiting.shift();
      this.bySource.delete(source);
      if (waiting.length > 0) this.bySource.set(source, waiting);
      if (waiter) {
        this.queued -= 1;
        return waiter;
      }
    }
    return undefined;
  }
}

function busy(): AppError {
  return new AppError(
    'RATE_LIMITED',
    'The server is busy checking other sign-ins. Try again in a few seconds.',
    { retryAfterSec: 2 },
  );
}
