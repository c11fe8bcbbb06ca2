import { AppError } from '@tether/protocol';
import type { Clock } from '../../clock.js';

/** How long a registration may take (choosing an authenticator, touching it). */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/**
 * The one open passkey registration of each user: its challenge, until the browser answers.
 * Held in this process, like pending sign-ins: the console talks to the server that asked.
 */
export class PasskeyChallenges {
  readonly #open = new Map<string, { challenge: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  remember(userId: string, challenge: string): void {
    const now = this.clock.now().getTime();
    for (const [id, open] of this.#open) if (open.expiresAt <= now) this.#open.delete(id);
    this.#open.set(userId, { challenge, expiresAt: now + CHALLENGE_TTL_MS });
  }

  /** The challenge of the user's open registration, used up; `INVALID_INPUT` when none. */
  take(userId: string): string {
    const open = this.#open.get(userId);
    this.#open.delete(userId);
    if (!open || open.expiresAt <= this.clock.now().getTime())
      throw new AppError('INVALID_INPUT', 'This passkey registration has expired. Start again.');
    return open.challenge;
  }
}
