import { AppError } from '@tether/protocol';
import type { Clock } from '../clock.js';
import type { Store, UserRecord } from '../store/store.js';
import { provisionExternalUser, type TeamSync } from '../users/external-users.js';
import type {
  DirectoryVerdict,
  PasswordDirectory,
  SecondFactors,
  SignInProgress,
} from './sign-in-methods.js';

/** Why a sign-in failed, as the audit log says it. */
export type SignInFailure =
  | 'rate limited'
  | 'server busy'
  | 'wrong password'
  | 'unknown user'
  | 'account disabled'
  | 'wrong code'
  | 'not allowed';

/** A first factor that did not pass, and the error to answer with (default: wrong credentials). */
export interface Refusal {
  reason: SignInFailure;
  error?: AppError;
}

function disabled(): Refusal {
  // Said only to whoever knows the password.
  const message = 'This account is disabled. Ask an administrator to enable it.';
  return { reason: 'account disabled', error: new AppError('AUTH_FAILED', message) };
}

/** What the first factor needs: the store, the directories, and a gated password check. */
export interface FirstFactorDeps {
  store: Store;
  clock: Clock;
  directories?: () => readonly PasswordDirectory[] | Promise<readonly PasswordDirectory[]>;
  secondFactors?: SecondFactors;
  syncTeams?: TeamSync;
  /** Checks a password against a user's hash (a decoy for none) within the hashing gate. */
  verify: (
    user: UserRecord | undefined,
    password: string,
    turn: { source: string; isKnownSource: boolean },
  ) => Promise<boolean>;
}

/**
 * The checks of a sign-in before a session is issued (issue 12): a local user's password here,
 * anyone else's by the directories in order (a challenge becomes a step), then the user's second
 * factor. The throttle, auditing and sessions stay with the auth service.
 */
export function createFirstFactor(deps: FirstFactorDeps) {
  const { store, verify } = deps;

  /** A local user's password, or the directories' verdict for anyone else. */
  async function firstFactor(
    username: string,
    password: string,
    turn: { source: string; isKnownSource: boolean },
  ): Promise<SignInProgress | Refusal> {
    const user = await store.users.findByUsername(username);
    const directories = (await deps.directories?.()) ?? [];
    if (user?.source === 'local' || directories.length === 0) {
      const local = user?.source === 'local' ? user : undefined;
      const valid = await verify(local, password, turn);
      if (!local) return { reason: user ? 'wrong password' : 'unknown user' };
      if (!valid) return { reason: 'wrong password' };
      if (local.disabledAt) return disabled();
      return { done: local };
    }
    for (const directory of directories) {
      const verdict = await directory.check({ username, password });
      if (verdict.result !== 'unknown') return fromVerdict(verdict);
    }
    return { reason: user ? 'wrong password' : 'unknown user' };
  }

  /** A directory's verdict as sign-in progress; a challenge's answer is judged the same way. */
  async function fromVerdict(verdict: DirectoryVerdict): Promise<SignInProgress | Refusal> {
    switch (verdict.result) {
      case 'accepted':
        try {
          return { done: await provisionExternalUser(deps, verdict.identity, verdict.mapping) };
        } catch (error) {
          if (error instanceof AppError && error.code === 'AUTH_FAILED')
            return { reason: 'not allowed', error };
          throw error;
        }
      case 'rejected':
        return verdict.reason === 'account disabled' ? disabled() : { reason: verdict.reason };
      case 'unknown':
        return { reason: 'unknown user' };
      case 'challenge':
        return {
          step: { kind: 'challenge', message: verdict.message, methods: ['code'] },
          next: async ({ code }) => {
            if (!code) throw new AppError('AUTH_FAILED', 'Enter the code you were asked for.');
            const outcome = await fromVerdict(await verdict.answer(code));
            if ('reason' in outcome)
              throw outcome.error ?? new AppError('AUTH_FAILED', 'Wrong code.');
            return outcome;
          },
        };
    }
  }

  /** Adds the user's second factor after whatever first factor brought them here. */
  async function withSecondFactor(progress: SignInProgress): Promise<SignInProgress> {
    if ('done' in progress) return (await deps.secondFactors?.stepFor(progress.done)) ?? progress;
    return {
      step: progress.step,
      next: async (answer) => withSecondFactor(await progress.next(answer)),
    };
  }

  return { firstFactor, withSecondFactor };
}
