import { AppError } from '@tether/protocol';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../keys/secret-box.js';
import type { Store, UserRecord } from '../../store/store.js';
import type { AuthService } from '../auth-service.js';
import { failureCount } from '../failure-count.js';
import { SIGN_IN_LIMITS } from '../guess-limits.js';
import { isRecoveryCodeShape } from './recovery-codes.js';
import { useRecoveryCode, useTotpCode } from './second-factor-sign-in.js';

/** Where a user's wrong codes are counted (shared by the nodes of a cluster). */
const CODE_GUESSES = 'factor-code:';

/**
 * Checks that a signed-in user is at the keyboard before a factor goes away: their password
 * (within the sign-in limits, through `logins`) or a code of a factor they hold. Wrong codes
 * slow down like wrong passwords, counted in the shared guess counters: a stolen session cannot
 * guess its way to removing a factor, not even by spreading its guesses over a cluster's nodes.
 */
export class IdentityProof {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      secrets: SecretBox;
      logins: Pick<AuthService, 'checkPassword'>;
    },
  ) {}

  /** Throws `INVALID_INPUT` when wrong, `RATE_LIMITED` after too many wrong codes. */
  async check(
    user: UserRecord,
    proof: { password?: string | undefined; code?: string | undefined },
    sourceAddress: string,
  ): Promise<void> {
    if (proof.password !== undefined) {
      const valid = await this.deps.logins.checkPassword({
        user,
        password: proof.password,
        sourceAddress,
      });
      if (!valid) throw new AppError('INVALID_INPUT', 'Wrong password.');
      return;
    }
    if (!(await this.checkCode(user.id, proof.code ?? '')))
      throw new AppError('INVALID_INPUT', 'Wrong or already used code.');
  }

  /** A code from the authenticator app or a recovery code (spent), within the guess limits. */
  async checkCode(userId: string, code: string): Promise<boolean> {
    const key = `${CODE_GUESSES}${userId}`;
    const { guessCounters } = this.deps.store;
    // Counted as wrong before it is checked, so simultaneous guesses cannot all pass the check.
    const wait = await guessCounters.update([key], ([counter]) => {
      if (!counter) return 0;
      const now = this.deps.clock.now().getTime();
      const delay = failureCount.retryAfterMs(counter, now);
      if (delay === 0) failureCount.recordFailure(counter, { now, limits: SIGN_IN_LIMITS });
      return delay;
    });
    if (wait > 0) {
      const retryAfterSec = Math.ceil(wait / 1000);
      throw new AppError('RATE_LIMITED', `Too many wrong codes. Try again in ${retryAfterSec} s.`, {
        retryAfterSec,
      });
    }
    const valid = isRecoveryCodeShape(code)
      ? await useRecoveryCode(this.deps, userId, code)
      : (await useTotpCode(this.deps, userId, code)) === 'accepted';
    if (valid)
      await guessCounters.update([key], ([counter]) => counter && failureCount.clear(counter));
    return valid;
  }
}
