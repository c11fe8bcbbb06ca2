import { z } from 'zod';
import { Timestamp } from '../ids.js';
import { Role } from './auth.js';

/** How many recovery codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;

/** A passkey as its owner sees it: never the public key. */
export const Passkey = z.object({
  /** The credential ID (base64url), as the authenticator names it. */
  id: z.string(),
  name: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export type Passkey = z.infer<typeof Passkey>;

/**
 * `GET /api/v1/account/second-factors`: the signed-in user's second factors. Secrets (the TOTP
 * secret, the recovery codes) are never in it.
 *
 * @example
 * const { totp, passkeys, recoveryCodesLeft } = await api.mySecondFactors();
 */
export const SecondFactorStatus = z.object({
  /** An authenticator app is enrolled and confirmed. */
  totp: z.boolean(),
  passkeys: z.array(Passkey),
  /** Unused recovery codes left. */
  recoveryCodesLeft: z.int().nonnegative(),
  /** The user's role requires a second factor. */
  required: z.boolean(),
});
export type SecondFactorStatus = z.infer<typeof SecondFactorStatus>;

/**
 * `POST /api/v1/account/second-factors/totp`: a new authenticator-app secret, active only once a
 * code from it is confirmed. Shown this once.
 */
export const TotpEnrolment = z.object({
  /** Base32, for typing into the app. */
  secret: z.string(),
  /** `otpauth://totp/…`, what the QR code holds. */
  uri: z.string(),
});
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

/** A six-digit code from an authenticator app (spaces allowed, as apps show them). */
const TotpCode = z
  .string()
  .transform((code) => code.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'must be the 6 digits your authenticator app shows'));

/** `POST /api/v1/account/second-factors/totp/confirm`. */
export const ConfirmTotpRequest = z.object({ code: TotpCode });
export type ConfirmTotpRequest = z.input<typeof ConfirmTotpRequest>;

/**
 * Proof that the signed-in user is who they say before a factor is removed: their current
 * password, or a code from a factor they hold (authenticator app or recovery code).
 */
export const RemoveFactorRequest = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    code: z.string().trim().min(1).max(64).optional(),
  })
  .refine((proof) => proof.password !== undefined || proof.code !== undefined, {
    message: 'give your current password or a code from your authenticator app',
  });
export type RemoveFactorRequest = z.input<typeof RemoveFactorRequest>;

/** Recovery codes, shown once: each signs in once when no other factor is at hand. */
export const RecoveryCodes = z.object({ codes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

/**
 * The reply to a first factor's confirmation: the factor is active, and the recovery codes are
 * given when this was the user's first factor (shown once).
 */
export const EnrolledFactor = z.object({ recoveryCodes: z.array(z.string()).optional() });
export type EnrolledFactor = z.infer<typeof EnrolledFactor>;

/** A passkey's name, chosen by its owner ("Laptop fingerprint"). */
export const PasskeyName = z.string().trim().min(1).max(64);

/** `POST /api/v1/account/second-factors/passkeys`: the browser's WebAuthn registration answer. */
export const RegisterPasskeyRequest = z.object({
  name: PasskeyName,
  /** WebAuthn `RegistrationResponseJSON` from `navigator.credentials.create()`. */
  response: z.record(z.string(), z.unknown()),
});
export type RegisterPasskeyRequest = z.input<typeof RegisterPasskeyRequest>;

/** WebAuthn creation options (`PublicKeyCredentialCreationOptionsJSON`) for the browser. */
export const PasskeyRegistrationOptions = z.object({
  options: z.record(z.string(), z.unknown()),
});
export type PasskeyRegistrationOptions = z.infer<typeof PasskeyRegistrationOptions>;

/** `PATCH /api/v1/account/second-factors/passkeys/:id`. */
export const RenamePasskeyRequest = z.object({ name: PasskeyName });
export type RenamePasskeyRequest = z.input<typeof RenamePasskeyRequest>;

/**
 * `GET|PUT /conf/api/second-factor`: the roles whose users must have a second factor. A
 * user of such a role who has none is asked to enrol one right after their password, before
 * anything else (`SECOND_FACTOR_REQUIRED`).
 *
 * @example
 * await api.setSecondFactorSettings({ requiredRoles: ['administrator'] });
 */
export const SecondFactorSettings = z.object({
  requiredRoles: z.array(Role).max(64),
});
export type SecondFactorSettings = z.infer<typeof SecondFactorSettings>;
