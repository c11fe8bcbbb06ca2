import { AppError, type SignInMethod } from '@tether/protocol';
import type { AuditLog } from '../../audit/audit-log.js';
import type { Clock } from '../../clock.js';
import type { SecretBox } from '../../keys/secret-box.js';
import type { Store, UserRecord } from '../../store/store.js';
import type { SecondFactors, SignInProgress, StepAnswer } from '../sign-in-methods.js';
import {
  authenticationOptions,
  credentialIdOf,
  relyingPartyOf,
  verifyAuthentication,
} from './passkeys.js';
import { hashRecoveryCode } from './recovery-codes.js';
import type { RequiredRoles } from './required-roles.js';
import { matchTotp } from './totp.js';

/** The second factor at sign-in, and whether a signed-in user must still enrol one. */
export interface SecondFactorGate extends SecondFactors {
  /**
   * True when the user's role requires a second factor and they have none: they may only enrol
   * one (or sign out) until they do. Single sign-on users answer to their provider's.
   */
  mustEnrol(user: UserRecord): Promise<boolean>;
}

export interface SecondFactorDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  /** The server's public URL: its host is the passkeys' relying party. */
  publicUrl: () => string;
  /** The admin console's origin, where passkeys sign in too (same host name, its own port). */
  adminUrl?: () => string;
  requiredRoles: RequiredRoles;
  /** Authenticator-app secrets are sealed with it in the database. */
  secrets: SecretBox;
}

/** What an authenticator-app secret is bound to when sealed: its user. */
export const totpContext = (userId: string): string => `totp:${userId}`;

const MESSAGES: Record<string, string> = {
  totp: 'Enter the code from your authenticator app.',
  passkey: 'Use your passkey.',
  'passkey,totp': 'Use your passkey, or enter the code from your authenticator app.',
};

function wrong(message = 'Wrong code. Try again.'): AppError {
  return new AppError('AUTH_FAILED', message);
}

/** Checks a code from an authenticator app: right for now (±1 step), and not used before. */
export async function useTotpCode(
  deps: Pick<SecondFactorDeps, 'store' | 'clock' | 'secrets'>,
  userId: string,
  code: string,
): Promise<'accepted' | 'wrong' | 'replayed'> {
  const totp = await deps.store.secondFactors.findTotp(userId);
  if (!totp?.confirmedAt) return 'wrong';
  const secret = deps.secrets.open(totp.secret, totpContext(userId));
  const step = await matchTotp({ secret, code, now: deps.clock.now() });
  if (step === undefined) return 'wrong';
  // The conditional write decides, not the read above: two servers cannot both accept it.
  const fresh = await deps.store.secondFactors.useTotpStep(userId, step);
  return fresh ? 'accepted' : 'replayed';
}

/** Checks and spends a recovery code. */
export function useRecoveryCode(
  deps: Pick<SecondFactorDeps, 'store' | 'clock'>,
  userId: string,
  code: string,
): Promise<boolean> {
  return deps.store.secondFactors.useRecoveryCode(userId, {
    hash: hashRecoveryCode(code),
    at: deps.clock.now(),
  });
}

/** `SecondFactors` of the sign-in pipeline, from the factors users enrolled. */
export function createSecondFactorGate(deps: SecondFactorDeps): SecondFactorGate {
  const { store, clock } = deps;

  async function checkPasskey(user: UserRecord, answer: StepAnswer, challenge: string) {
    const id = answer.passkey && credentialIdOf(answer.passkey);
    const passkey = id === undefined ? undefined : await store.secondFactors.findPasskey(id);
    if (!answer.passkey || !passkey || passkey.userId !== user.id)
      throw wrong('This passkey is not registered for this account.');
    const counter = await verifyAuthentication(
      relyingPartyOf(deps.publicUrl(), deps.adminUrl?.()),
      {
        response: answer.passkey,
        challenge,
        passkey,
      },
    );
    await store.secondFactors.usePasskey(passkey.id, { counter, at: clock.now() });
  }

  async function check(user: UserRecord, answer: StepAnswer, challenge: string | undefined) {
    switch (answer.method) {
      case 'totp': {
        const verdict = await useTotpCode(deps, user.id, answer.code ?? '');
        if (verdict === 'replayed')
          throw wrong('This code was used already. Wait for the next one in your app.');
        if (verdict === 'wrong') throw wrong();
        return;
      }
      case 'recovery-code': {
        if (!(await useRecoveryCode(deps, user.id, answer.code ?? '')))
          throw wrong('Wrong or already used recovery code.');
        // Worth a look: the user may have lost their app or passkey, or someone has the codes.
        const left = await store.secondFactors.countRecoveryCodes(user.id);
        await deps.audit.record({
          action: 'second_factor.recovery_code_used',
          actor: user.username,
          details: { left },
        });
        return;
      }
      case 'passkey':
        if (challenge === undefined) throw wrong('This account has no passkey.');
        return checkPasskey(user, answer, challenge);
      case 'code':
        throw wrong('Answer with your second factor.');
    }
  }

  return {
    async stepFor(user) {
      const [totp, passkeys, codesLeft] = await Promise.all([
        store.secondFactors.findTotp(user.id),
        store.secondFactors.listPasskeys(user.id),
        store.secondFactors.countRecoveryCodes(user.id),
      ]);
      const methods: SignInMethod[] = [];
      if (passkeys.length > 0) methods.push('passkey');
      if (totp?.confirmedAt) methods.push('totp');
      if (methods.length === 0) return undefined;
      const message = MESSAGES[methods.join(',')] ?? MESSAGES.totp ?? '';
      if (codesLeft > 0) methods.push('recovery-code');
      const passkey =
        passkeys.length > 0
          ? await authenticationOptions(
              relyingPartyOf(deps.publicUrl(), deps.adminUrl?.()),
              passkeys,
            )
          : undefined;
      const challenge = typeof passkey?.challenge === 'string' ? passkey.challenge : undefined;
      const progress: SignInProgress = {
        step: { kind: 'second-factor', message, methods, ...(passkey && { passkey }) },
        next: async (answer) => {
          if (!methods.includes(answer.method))
            throw wrong(`This account cannot answer with "${answer.method}".`);
          await check(user, answer, challenge);
          return { done: user };
        },
      };
      return progress;
    },

    async mustEnrol(user) {
      if (user.source === 'saml' || user.source === 'oidc') return false;
      const roles = await deps.requiredRoles.get();
      if (!roles.includes(user.role)) return false;
      return !(await store.secondFactors.hasFactor(user.id));
    },
  };
}
