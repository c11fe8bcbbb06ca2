import { AppError } from '@tether/protocol';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../keys/secret-box.js';
import type { Store, UserRecord } from '../../store/store.js';
import type { AuthService } from '../auth-service.js';
import { LoginLimiter } from '../login-limiter.js';
import { isRecoveryCodeShape } from './recovery-codes.js';
import { useRecoveryCode, useTotpCode } from './second-factor-sign-in.js';

/**
 * Checks that a signed-in user is at the keyboard before a factor goes away: their password
 * (within the sign-in limits, through `logins`) or a code of a factor they hold. Wrong codes
 * slow down like wrong passwords: a stolen session cannot guess its way to removing a factor.
 */
export class IdentityProof {
  readonly #codeGuesses: LoginLimiter;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      secrets: SecretBox;
      logins: Pick<AuthService, 'checkPassword'>;
    },
  ) {
    this.#codeGuesses = new LoginLimiter(deps.clock);
  }

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
    const key = `factor:${userId}`;
    const wait = this.#codeGuesses.reserve([key]);
    if (wait > 0) {
      const retryAfterSec = Math.ceil(wait / 1000);
      throw new AppError('RATE_LIMITED', `Too many wrong codes. Try again in ${retryAfterSec} s.`, {
        retryAfterSec,
      });
    }
    const valid = isRecoveryCodeShape(code)
      ? await useRecoveryCode(this.deps, userId, code)
      : (await useTotpCode(this.deps, userId, code)) === 'accepted';
    if (valid) this.#codeGuesses.recordSuccess(key);
    return valid;
  }
}
