import { AppError } from '@tether/protocol';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyRecord } from '../../store/second-factor-repository.js';

/**
 * The WebAuthn relying party: the host of the server's public URL (`rpId`, a domain name — a
 * browser refuses an IP address) and that URL's origin, which the browser reports in every
 * answer. A console reached under another name cannot use passkeys registered under this one.
 * `signInOrigins` adds the admin console under the same host name (its own port): a passkey
 * registered in the console signs in there too; registering stays with the console.
 */
export interface RelyingParty {
  id: string;
  origin: string;
  signInOrigins: string[];
  name: string;
}

/**
 * @example
 * relyingPartyOf('https://support.example.com', 'https://support.example.com:7615')
 * // { id: 'support.example.com', origin: 'https://support.example.com', signInOrigins: [both] }
 */
export function relyingPartyOf(publicUrl: string, adminUrl?: string): RelyingParty {
  const url = new URL(publicUrl);
  const admin = adminUrl === undefined ? undefined : new URL(adminUrl);
  const signInOrigins = [url.origin];
  if (admin?.hostname === url.hostname && admin.origin !== url.origin)
    signInOrigins.push(admin.origin);
  return { id: url.hostname, origin: url.origin, signInOrigins, name: 'Tether' };
}

/** How long the browser may take (the user touching their authenticator). */
const TIMEOUT_MS = 5 * 60 * 1000;

// Loaded when a passkey is first used: the server's memory at start stays small.
const webauthn = () => import('@simplewebauthn/server');

/**
 * The browser's JSON as the library's type. The library checks every field it reads and throws
 * on a malformed answer; here only the outer shape is checked, for a clear error.
 */
function checkShape(response: Record<string, unknown>): void {
  if (typeof response.id !== 'string' || typeof response.response !== 'object')
    throw new AppError('INVALID_INPUT', 'This is not a WebAuthn answer from a browser.');
}

/** What went wrong with an answer the library refused, said without its internals. */
function refused(code: 'INVALID_INPUT' | 'AUTH_FAILED', error?: unknown): AppError {
  const reason = error instanceof Error ? ` (${error.message})` : '';
  return new AppError(code, `The passkey's answer could not be verified${reason}. Try again.`);
}

export async function registrationOptions(
  rp: RelyingParty,
  input: { userId: string; username: string; displayName: string; existing: PasskeyRecord[] },
): Promise<Record<string, unknown>> {
  const { generateRegistrationOptions } = await webauthn();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: input.username,
    userDisplayName: input.displayName || input.username,
    userID: new TextEncoder().encode(input.userId),
    timeout: TIMEOUT_MS,
    attestationType: 'none',
    // The same authenticator twice would be one factor counted as two.
    excludeCredentials: input.existing.map((passkey) => ({
      id: passkey.id,
      transports: passkey.transports as AuthenticatorTransportFuture[],
    })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  return { ...options };
}

/** The new credential when the browser's answer matches `challenge`; throws `INVALID_INPUT`. */
export async function verifyRegistration(
  rp: RelyingParty,
  input: { response: Record<string, unknown>; challenge: string },
): Promise<Pick<PasskeyRecord, 'id' | 'publicKey' | 'counter' | 'transports'>> {
  const { verifyRegistrationResponse } = await webauthn();
  checkShape(input.response);
  let result;
  try {
    result = await verifyRegistrationResponse({
      response: input.response as unknown as RegistrationResponseJSON,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
  } catch (error) {
    throw refused('INVALID_INPUT', error);
  }
  if (!result.verified) throw refused('INVALID_INPUT');
  const { credential } = result.registrationInfo;
  return {
    id: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
  };
}

export async function authenticationOptions(
  rp: RelyingParty,
  passkeys: PasskeyRecord[],
): Promise<Record<string, unknown>> {
  const { generateAuthenticationOptions } = await webauthn();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    timeout: TIMEOUT_MS,
    userVerification: 'preferred',
    allowCredentials: passkeys.map((passkey) => ({
      id: passkey.id,
      transports: passkey.transports as AuthenticatorTransportFuture[],
    })),
  });
  return { ...options };
}

/** The credential ID the browser answered with, to find its passkey; undefined if none. */
export function credentialIdOf(response: Record<string, unknown>): string | undefined {
  return typeof response.id === 'string' ? response.id : undefined;
}

/** The authenticator's new counter when the assertion is right; throws `AUTH_FAILED`. */
export async function verifyAuthentication(
  rp: RelyingParty,
  input: { response: Record<string, unknown>; challenge: string; passkey: PasskeyRecord },
): Promise<number> {
  const { verifyAuthenticationResponse } = await webauthn();
  const { passkey } = input;
  checkShape(input.response);
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: input.response as unknown as AuthenticationResponseJSON,
      expectedChallenge: input.challenge,
      expectedOrigin: rp.signInOrigins,
      expectedRPID: rp.id,
      requireUserVerification: false,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
    });
  } catch (error) {
    throw refused('AUTH_FAILED', error);
  }
  if (!result.verified) throw refused('AUTH_FAILED');
  return result.authenticationInfo.newCounter;
}
