import { randomBytes } from 'node:crypto';
import { AppError, type SignInStep } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { SignInProgress } from './sign-in-methods.js';

/** How long a step may take to answer (a code from a phone, a passkey touch). */
export const STEP_TTL_MS = 5 * 60 * 1000;
/** Sign-ins waiting for a step at once; the oldest is dropped beyond this. */
const MAX_PENDING = 10_000;

type Waiting = Extract<SignInProgress, { step: unknown }>;

interface Pending {
  username: string;
  sourceAddress: string;
  expiresAt: Date;
  progress: Waiting;
}

/**
 * Sign-ins that passed their first factor and wait for a step, by ticket. Held in this
 * process: a step must be answered on the server that asked it (a cluster's load balancer keeps
 * a browser on one node).
 */
export class PendingSignIns {
  readonly #waiting = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  /** Parks a sign-in and returns the step to show, with its ticket. */
  park(input: { username: string; sourceAddress: string; progress: Waiting }): SignInStep {
    this.#sweep();
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + STEP_TTL_MS);
    this.#waiting.set(ticket, { ...input, expiresAt });
    if (this.#waiting.size > MAX_PENDING) {
      const oldest = this.#waiting.keys().next();
      if (!oldest.done) this.#waiting.delete(oldest.value);
    }
    return { ticket, ...input.progress.step, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The sign-in a ticket names, if it is live and answered from the address that started it.
   * Throws `AUTH_FAILED` otherwise: the user signs in again.
   */
  take(ticket: string, sourceAddress: string): Pending {
    const pending = this.#waiting.get(ticket);
    if (
      !pending ||
      pending.expiresAt <= this.clock.now() ||
      pending.sourceAddress !== sourceAddress
    ) {
      throw new AppError('AUTH_FAILED', 'This sign-in has expired. Sign in again.');
    }
    return pending;
  }

  /** Ends a sign-in (completed, or moved on to another ticket). */
  end(ticket: string): void {
    this.#waiting.delete(ticket);
  }

  #sweep(): void {
    const now = this.clock.now();
    for (const [ticket, pending] of this.#waiting) {
      if (pending.expiresAt <= now) this.#waiting.delete(ticket);
    }
  }
}
