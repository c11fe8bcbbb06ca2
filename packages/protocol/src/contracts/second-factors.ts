import { z } from 'zod';
import {
  ConfirmTotpRequest,
  EnrolledFactor,
  PasskeyRegistrationOptions,
  RecoveryCodes,
  RegisterPasskeyRequest,
  RemoveFactorRequest,
  RenamePasskeyRequest,
  SecondFactorSettings,
  SecondFactorStatus,
  TotpEnrolment,
} from '../api/second-factors.js';
import { UserId } from '../ids.js';
import { endpoint } from './endpoint.js';

/** A signed-in user's own factors; open while they must enrol one. */
const own = {
  kind: 'user',
  permission: 'console.use',
  duringSecondFactorEnrolment: true,
} as const;
/** Removing or regenerating needs a factor already there: not part of the forced enrolment. */
const ownEnrolled = { kind: 'user', permission: 'console.use' } as const;
const PROOF =
  'Needs the current password or a code from the authenticator app or a recovery code (a wrong one is `INVALID_INPUT` and counts against the sign-in limits, then `RATE_LIMITED`).';
const BASE = '/api/v1/account/second-factors';

/** The signed-in user's second factors (issue 12): authenticator app, recovery codes, passkeys. */
export const secondFactorEndpoints = {
  status: endpoint({
    id: 'secondFactors.status',
    method: 'GET',
    path: BASE,
    summary: 'My second factors',
    description:
      'Whether an authenticator app is enrolled, the passkeys, how many recovery codes are left, and whether the role requires a second factor. Never a secret.',
    access: own,
    success: { status: 200, body: SecondFactorStatus },
    errors: [],
  }),
  startTotp: endpoint({
    id: 'secondFactors.startTotp',
    method: 'POST',
    path: `${BASE}/totp`,
    summary: 'Start enrolling an authenticator app',
    description:
      'A new secret and its `otpauth://` URI (for the QR code), shown this once. It becomes active only once a code from the app is confirmed; starting again replaces an unconfirmed secret. `CONFLICT` when an app is already enrolled: remove it first.',
    access: own,
    success: { status: 201, body: TotpEnrolment, noStore: true },
    errors: ['CONFLICT'],
  }),
  confirmTotp: endpoint({
    id: 'secondFactors.confirmTotp',
    method: 'POST',
    path: `${BASE}/totp/confirm`,
    summary: 'Confirm the authenticator app with a code',
    description:
      'Activates the secret `startTotp` gave when the code matches it (`INVALID_INPUT` otherwise). When this is the first second factor of the user, the reply carries 10 recovery codes, shown this once.',
    access: own,
    subject: 'code',
    body: ConfirmTotpRequest,
    success: { status: 200, body: EnrolledFactor, noStore: true },
    errors: ['CONFLICT', 'NOT_FOUND', 'RATE_LIMITED'],
  }),
  removeTotp: endpoint({
    id: 'secondFactors.removeTotp',
    method: 'POST',
    path: `${BASE}/totp/remove`,
    summary: 'Remove the authenticator app',
    description: `${PROOF} When the role requires a second factor, the last one cannot be removed (\`CONFLICT\`).`,
    access: ownEnrolled,
    subject: 'proof',
    body: RemoveFactorRequest,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'],
  }),
  regenerateRecoveryCodes: endpoint({
    id: 'secondFactors.regenerateRecoveryCodes',
    method: 'POST',
    path: `${BASE}/recovery-codes`,
    summary: 'New recovery codes',
    description: `10 new recovery codes, shown this once; the old ones stop working. ${PROOF} \`CONFLICT\` without a second factor.`,
    access: ownEnrolled,
    subject: 'proof',
    body: RemoveFactorRequest,
    success: { status: 200, body: RecoveryCodes, noStore: true },
    errors: ['CONFLICT', 'RATE_LIMITED'],
  }),
  passkeyOptions: endpoint({
    id: 'secondFactors.passkeyOptions',
    method: 'POST',
    path: `${BASE}/passkeys/options`,
    summary: 'Start registering a passkey',
    description:
      "WebAuthn creation options for `navigator.credentials.create()` (with `@simplewebauthn/browser`: `startRegistration({ optionsJSON: options })`). The relying party is the host of the server's public URL: open the console there (`CONFLICT` from another host). The challenge lasts 5 minutes.",
    access: own,
    success: { status: 200, body: PasskeyRegistrationOptions, noStore: true },
    errors: ['CONFLICT'],
  }),
  registerPasskey: endpoint({
    id: 'secondFactors.registerPasskey',
    method: 'POST',
    path: `${BASE}/passkeys`,
    summary: 'Register a passkey',
    description:
      "The authenticator's answer to the options of `passkeyOptions`, verified against its challenge (`INVALID_INPUT` when it does not match). When this is the first second factor of the user, the reply carries 10 recovery codes, shown this once.",
    access: own,
    subject: 'passkey',
    body: RegisterPasskeyRequest,
    success: { status: 201, body: EnrolledFactor, noStore: true },
    errors: ['CONFLICT'],
  }),
  renamePasskey: endpoint({
    id: 'secondFactors.renamePasskey',
    method: 'PATCH',
    path: `${BASE}/passkeys/:id`,
    summary: 'Rename a passkey',
    access: ownEnrolled,
    subject: 'passkey',
    params: z.object({ id: z.string().min(1).max(1024) }),
    body: RenamePasskeyRequest,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
  removePasskey: endpoint({
    id: 'secondFactors.removePasskey',
    method: 'POST',
    path: `${BASE}/passkeys/:id/remove`,
    summary: 'Remove a passkey',
    description: `${PROOF} When the role requires a second factor, the last one cannot be removed (\`CONFLICT\`).`,
    access: ownEnrolled,
    subject: 'proof',
    params: z.object({ id: z.string().min(1).max(1024) }),
    body: RemoveFactorRequest,
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'],
  }),
};

/** What administrators decide about second factors. */
export const secondFactorAdminEndpoints = {
  getSettings: endpoint({
    id: 'settings.getSecondFactor',
    method: 'GET',
    listener: 'admin',
    path: '/conf/api/second-factor',
    summary: 'Roles that require a second factor',
    access: { kind: 'user', permission: 'settings.manage' },
    success: { status: 200, body: SecondFactorSettings },
    errors: [],
  }),
  setSettings: endpoint({
    id: 'settings.setSecondFactor',
    method: 'PUT',
    listener: 'admin',
    path: '/conf/api/second-factor',
    summary: 'Require a second factor for roles',
    description:
      'A user of a listed role who has no second factor is made to enrol one right after their password, before anything else (`SECOND_FACTOR_REQUIRED`).',
    access: { kind: 'user', permission: 'settings.manage' },
    subject: 'second-factor settings',
    body: SecondFactorSettings,
    success: { status: 200, body: SecondFactorSettings },
    errors: [],
  }),
  resetUser: endpoint({
    id: 'users.resetSecondFactors',
    method: 'POST',
    path: '/api/v1/users/:id/second-factors/reset',
    summary: "Reset a user's second factors",
    description:
      'Removes their authenticator app, passkeys and recovery codes (they lost them) and signs them out everywhere. When their role requires a second factor, they enrol a new one at their next sign-in.',
    access: { kind: 'user', permission: 'users.manage' },
    params: z.object({ id: UserId }),
    success: { status: 204, body: undefined },
    errors: ['NOT_FOUND'],
  }),
};
