import {
  AppError,
  type EnrolledFactor,
  type RecoveryCodes,
  type RegisterPasskeyRequest,
  type RemoveFactorRequest,
  type SecondFactorSettings,
  type SecondFactorStatus,
  type TotpEnrolment,
} from '@tether/protocol';
import { isUniqueViolation } from '../../store/engine.js';
import type { UserRecord } from '../../store/store.js';
import type { AuthService } from '../auth-service.js';
import { IdentityProof } from './identity-proof.js';
import { PasskeyChallenges } from './passkey-challenges.js';
import { registrationOptions, relyingPartyOf, verifyRegistration } from './passkeys.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { totpContext, type SecondFactorDeps } from './second-factor-sign-in.js';
import { findRoleId } from '../../roles/role-permissions.js';
import { matchTotp, newTotpSecret } from './totp.js';

/** Who acts, as the audit log names them. */
export interface FactorActor {
  username: string;
  sourceAddress?: string | undefined;
  via?: 'headless';
}

/** A signed-in user acting on their own factors, from where. */
interface Own {
  user: UserRecord;
  sourceAddress: string;
}

export interface SecondFactorService {
  status(user: UserRecord): Promise<SecondFactorStatus>;
  startTotp(user: UserRecord): Promise<TotpEnrolment>;
  confirmTotp(own: Own, code: string): Promise<EnrolledFactor>;
  removeTotp(own: Own, proof: RemoveFactorRequest): Promise<void>;
  regenerateRecoveryCodes(own: Own, proof: RemoveFactorRequest): Promise<RecoveryCodes>;
  /** `requestHost`: the Host the browser used, to refuse a relying party it cannot use. */
  passkeyOptions(
    user: UserRecord,
    requestHost: string | undefined,
  ): Promise<Record<string, unknown>>;
  registerPasskey(own: Own, request: RegisterPasskeyRequest): Promise<EnrolledFactor>;
  renamePasskey(user: UserRecord, input: { id: string; name: string }): Promise<void>;
  removePasskey(own: Own, input: { id: string; proof: RemoveFactorRequest }): Promise<void>;
  settings(): Promise<SecondFactorSettings>;
  setSettings(settings: SecondFactorSettings, actor: FactorActor): Promise<SecondFactorSettings>;
  /** Removes every factor of the user (they lost them) and signs them out everywhere. */
  reset(userId: string, actor: FactorActor): Promise<UserRecord>;
}

/** Enrolment on My account, and what administrators decide (issue 12). */
export function createSecondFactorService(
  deps: SecondFactorDeps & { logins: Pick<AuthService, 'checkPassword' | 'endLoginsOf'> },
): SecondFactorService {
  const { store, clock, audit } = deps;
  const factors = store.secondFactors;
  const proof = new IdentityProof({ store, clock, secrets: deps.secrets, logins: deps.logins });
  const challenges = new PasskeyChallenges(clock);

  function record(
    own: Own,
    action: 'second_factor.enrolled' | 'second_factor.removed',
    details: Record<string, unknown>,
  ) {
    return audit.record({
      action,
      actor: own.user.username,
      sourceAddress: own.sourceAddress,
      details,
    });
  }

  /** Recovery codes for a user who had no factor before this one: shown once. */
  async function firstCodes(own: Own, hadFactor: boolean): Promise<EnrolledFactor> {
    if (hadFactor) return {};
    const codes = newRecoveryCodes();
    await factors.replaceRecoveryCodes(own.user.id, {
      hashes: codes.map(hashRecoveryCode),
      at: clock.now(),
    });
    return { recoveryCodes: codes };
  }

  /** Refuses to remove the last factor of a user whose role requires one. */
  async function keepRequired(user: UserRecord, remaining: number): Promise<void> {
    if (remaining > 0) return;
    if ((await deps.requiredRoles.get()).includes(user.role))
      throw new AppError(
        'CONFLICT',
        `Your role (${user.role}) requires a second factor: add another one before removing this one.`,
      );
  }

  async function factorCount(userId: string): Promise<number> {
    const [totp, passkeys] = await Promise.all([
      factors.findTotp(userId),
      factors.listPasskeys(userId),
    ]);
    return (totp?.confirmedAt ? 1 : 0) + passkeys.length;
  }

  /** After a removal: recovery codes stand in for a factor, so none is left without one. */
  async function dropCodesIfNoFactor(userId: string): Promise<void> {
    if (!(await factors.hasFactor(userId)))
      await factors.replaceRecoveryCodes(userId, { hashes: [], at: clock.now() });
  }

  return {
    async status(user) {
      const [totp, passkeys, recoveryCodesLeft, roles] = await Promise.all([
        factors.findTotp(user.id),
        factors.listPasskeys(user.id),
        factors.countRecoveryCodes(user.id),
        deps.requiredRoles.get(),
      ]);
      return {
        totp: totp?.confirmedAt != null,
        passkeys: passkeys.map((passkey) => ({
          id: passkey.id,
          name: passkey.name,
          createdAt: passkey.createdAt.toISOString(),
          lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
        })),
        recoveryCodesLeft,
        required: roles.includes(user.role),
      };
    },

    async startTotp(user) {
      if ((await factors.findTotp(user.id))?.confirmedAt)
        throw new AppError(
          'CONFLICT',
          'An authenticator app is already enrolled. Remove it first to enrol another.',
        );
      const issuer = `Tether (${relyingPartyOf(deps.publicUrl()).id})`;
      const enrolment = await newTotpSecret({ issuer, account: user.username });
      const secret = deps.secrets.seal(enrolment.secret, totpContext(user.id));
      await factors.saveTotp({ userId: user.id, secret, createdAt: clock.now() });
      return enrolment;
    },

    async confirmTotp(own, code) {
      const totp = await factors.findTotp(own.user.id);
      if (!totp) throw new AppError('NOT_FOUND', 'Start enrolling the authenticator app first.');
      if (totp.confirmedAt)
        throw new AppError('CONFLICT', 'This authenticator app is already enrolled.');
      const secret = deps.secrets.open(totp.secret, totpContext(own.user.id));
      const step = await matchTotp({ secret, code, now: clock.now() });
      if (step === undefined)
        throw new AppError(
          'INVALID_INPUT',
          'This code does not match. Check the time on your phone and enter the current code.',
        );
      const hadFactor = await factors.hasFactor(own.user.id);
      if (!(await factors.confirmTotp(own.user.id, { at: clock.now(), step })))
        throw new AppError('CONFLICT', 'This authenticator app is already enrolled.');
      await record(own, 'second_factor.enrolled', { method: 'totp' });
      return firstCodes(own, hadFactor);
    },

    async removeTotp(own, request) {
      const totp = await factors.findTotp(own.user.id);
      if (!totp?.confirmedAt) throw new AppError('NOT_FOUND', 'No authenticator app is enrolled.');
      await keepRequired(own.user, (await factorCount(own.user.id)) - 1);
      await proof.check(own.user, request, own.sourceAddress);
      await factors.deleteTotp(own.user.id);
      await dropCodesIfNoFactor(own.user.id);
      await record(own, 'second_factor.removed', { method: 'totp' });
    },

    async regenerateRecoveryCodes(own, request) {
      if (!(await factors.hasFactor(own.user.id)))
        throw new AppError(
          'CONFLICT',
          'Enrol an authenticator app or a passkey first: recovery codes stand in for one.',
        );
      await proof.check(own.user, request, own.sourceAddress);
      const codes = newRecoveryCodes();
      await factors.replaceRecoveryCodes(own.user.id, {
        hashes: codes.map(hashRecoveryCode),
        at: clock.now(),
      });
      await audit.record({
        action: 'second_factor.recovery_codes_generated',
        actor: own.user.username,
        sourceAddress: own.sourceAddress,
      });
      return { codes };
    },

    async passkeyOptions(user, requestHost) {
      const rp = relyingPartyOf(deps.publicUrl());
      const hostname = requestHost && new URL(`https://${requestHost}`).hostname;
      if (hostname && hostname !== rp.id)
        throw new AppError(
          'CONFLICT',
          `Passkeys belong to ${rp.origin}: open the console there to register one.`,
        );
      const options = await registrationOptions(rp, {
        userId: user.id,
        username: user.username,
        displayName: user.displayName,
        existing: await factors.listPasskeys(user.id),
      });
      if (typeof options.challenge !== 'string')
        throw new Error('WebAuthn options without a challenge');
      challenges.remember(user.id, options.challenge);
      return options;
    },

    async registerPasskey(own, { name, response }) {
      const challenge = challenges.take(own.user.id);
      const credential = await verifyRegistration(relyingPartyOf(deps.publicUrl()), {
        response,
        challenge,
      });
      const hadFactor = await factors.hasFactor(own.user.id);
      try {
        await factors.addPasskey({
          ...credential,
          userId: own.user.id,
          name: name.trim(),
          createdAt: clock.now(),
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('CONFLICT', 'This passkey is registered already.');
      }
      await record(own, 'second_factor.enrolled', { method: 'passkey', name });
      return firstCodes(own, hadFactor);
    },

    async renamePasskey(user, { id, name }) {
      if (!(await factors.renamePasskey(user.id, { id, name: name.trim() })))
        throw new AppError('NOT_FOUND', 'There is no such passkey on your account.');
    },

    async removePasskey(own, { id, proof: request }) {
      const passkey = await factors.findPasskey(id);
      if (!passkey || passkey.userId !== own.user.id)
        throw new AppError('NOT_FOUND', 'There is no such passkey on your account.');
      await keepRequired(own.user, (await factorCount(own.user.id)) - 1);
      await proof.check(own.user, request, own.sourceAddress);
      await factors.deletePasskey(own.user.id, id);
      await dropCodesIfNoFactor(own.user.id);
      await record(own, 'second_factor.removed', { method: 'passkey', name: passkey.name });
    },

    async settings() {
      return { requiredRoles: [...(await deps.requiredRoles.read())] };
    },

    async setSettings(settings, actor) {
      const custom = await store.roles.list();
      const roles = settings.requiredRoles.map((role) => {
        const found = findRoleId(custom, role);
        if (found) return found;
        throw new AppError(
          'INVALID_INPUT',
          `There is no role "${role}". The roles are listed by \`tether roles list\` and in the console's Roles page.`,
        );
      });
      const requiredRoles = [...(await deps.requiredRoles.set({ requiredRoles: roles }))];
      await audit.record({
        action: 'settings.changed',
        actor: actor.username,
        target: 'secondFactor.requiredRoles',
        sourceAddress: actor.sourceAddress,
        details: { requiredRoles, ...(actor.via && { via: actor.via }) },
      });
      return { requiredRoles };
    },

    async reset(userId, actor) {
      const user = await store.users.findById(userId);
      if (!user)
        throw new AppError('NOT_FOUND', 'There is no such user (it may have been deleted).');
      await factors.deleteForUser(user.id);
      await deps.logins.endLoginsOf(user.id);
      await audit.record({
        action: 'second_factor.reset',
        actor: actor.username,
        target: user.username,
        sourceAddress: actor.sourceAddress,
        ...(actor.via && { details: { via: actor.via } }),
      });
      return user;
    },
  };
}
