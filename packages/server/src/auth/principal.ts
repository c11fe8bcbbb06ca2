import type { Permission, SignInStep, User } from '@tether/protocol';
import type { UserRecord } from '../store/store.js';

/** The signed-in user of a request. */
export interface Principal {
  user: UserRecord;
  tokenHash: string;
  /** What the user's role allows, read for this request (`lookUpRole`). */
  permissions: readonly Permission[];
  /** The name of the user's role, for people. */
  roleName: string;
  /** Their role requires a second factor they have not enrolled: only enrolment is open. */
  mustEnrolSecondFactor?: boolean;
}

/** The API view of a user record: no hash ever leaves the server. */
export function toApiUser(user: UserRecord): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    disabled: user.disabledAt !== null,
    mustChangePassword: user.mustChangePassword,
    source: user.source,
  };
}

/** A user signed in: their cookie token and what their role allows them now. */
export interface SignedIn {
  user: UserRecord;
  token: string;
  permissions: readonly Permission[];
  roleName: string;
  /** Their role requires a second factor they have not enrolled yet. */
  mustEnrolSecondFactor: boolean;
}

/** A sign-in's result: signed in, or a further step to answer. */
export type SignInOutcome = SignedIn | { step: SignInStep };

/** What the console learns of the signed-in user's role besides the user (`LoginResponse`). */
export function signedIn(principal: Principal): { permissions: Permission[]; roleName: string } {
  return { permissions: [...principal.permissions], roleName: principal.roleName };
}

/** The signed-in user's own record: with whether they must enrol a second factor first. */
export function toOwnApiUser(user: UserRecord, own: { mustEnrolSecondFactor?: boolean }): User {
  return { ...toApiUser(user), ...(own.mustEnrolSecondFactor && { mustEnrolSecondFactor: true }) };
}
