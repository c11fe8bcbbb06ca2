import type { ContinueSignInRequest, Role, SignInStep, UserSource } from '@tether/protocol';
import type { UserRecord } from '../store/store.js';

/** What a step's answer carries (the ticket is already resolved). */
export type StepAnswer = Omit<ContinueSignInRequest, 'ticket'>;

/**
 * Where a sign-in stands: done (this user is signed in once the session is issued), or a
 * further step whose answer `next` checks. `next` throws `AppError('AUTH_FAILED')` for a wrong
 * answer; the step then stays open for another try, within the sign-in throttle.
 */
export type SignInProgress =
  | { done: UserRecord }
  | {
      step: Pick<SignInStep, 'kind' | 'message' | 'methods' | 'passkey'>;
      next: (answer: StepAnswer) => Promise<SignInProgress>;
    };

/** Who a directory or single sign-on provider says signed in. */
export interface ExternalIdentity {
  source: Exclude<UserSource, 'local'>;
  username: string;
  displayName?: string;
  /** The directory's groups (LDAP group DNs or names, SAML/OIDC group claims). */
  groups: readonly string[];
}

/**
 * How a provider's groups become a Tether role and teams. The first rule whose `group` the
 * user is in decides the role; teams are collected from every matching rule. A user no rule
 * matches gets `defaultRole`, or is refused when there is none.
 */
export interface GroupMapping {
  rules: readonly { group: string; role: Role; teams?: readonly string[] }[];
  defaultRole?: Role;
}

/** A directory's verdict on a username and password. */
export type DirectoryVerdict =
  /** The password is right: this is who they are, mapped with `mapping`. */
  | { result: 'accepted'; identity: ExternalIdentity; mapping: GroupMapping }
  /** The directory knows the user and refuses (wrong password, disabled or locked there). */
  | { result: 'rejected'; reason: 'wrong password' | 'account disabled' }
  /** Not a user of this directory: the next one is asked. */
  | { result: 'unknown' }
  /** The directory asks for more (RADIUS Access-Challenge): `answer` carries the code. */
  | { result: 'challenge'; message: string; answer: (code: string) => Promise<DirectoryVerdict> };

/** A directory that checks passwords (LDAP / Active Directory, RADIUS), asked in order. */
export interface PasswordDirectory {
  readonly source: 'ldap' | 'radius';
  /** For logs and the audit log: "LDAP ldaps://dc1.example.com". */
  readonly name: string;
  check(input: { username: string; password: string }): Promise<DirectoryVerdict>;
}

/** The second factors of users (TOTP, recovery codes, passkeys). */
export interface SecondFactors {
  /**
   * The step a user who passed their first factor must still take, or undefined when none
   * (no factor enrolled and none required for their role).
   */
  stepFor(user: UserRecord): Promise<SignInProgress | undefined>;
  /**
   * True when the user's role requires a second factor and they have none yet: signed in, they
   * may only enrol one (or sign out) until they do (`SECOND_FACTOR_REQUIRED`).
   */
  mustEnrol?(user: UserRecord): Promise<boolean>;
}
