/**
 * Authenticator-app codes (TOTP, RFC 6238: SHA-1, 6 digits, 30 s), with otplib loaded only when
 * a user enrols or signs in with one: the server's memory at start stays small.
 */

/** Codes of the step before and after the current one are accepted too (clock drift). */
const TOLERANCE_SEC = 30;
const PERIOD_SEC = 30;

const otplib = () => import('otplib');

/** A new random secret (160 bits, base32) and its `otpauth://` URI for the QR code. */
export async function newTotpSecret(input: {
  issuer: string;
  account: string;
}): Promise<{ secret: string; uri: string }> {
  const { generateSecret, generateURI } = await otplib();
  const secret = generateSecret();
  const uri = generateURI({ issuer: input.issuer, label: input.account, secret });
  return { secret, uri };
}

/**
 * The time step `code` belongs to when it is right for `secret` at `now` (±1 step), and later
 * than `afterStep` (a code of a step already used is a replay); undefined otherwise.
 */
export async function matchTotp(input: {
  secret: string;
  code: string;
  now: Date;
  afterStep?: number | null | undefined;
}): Promise<number | undefined> {
  const code = input.code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) return undefined;
  const { verify } = await otplib();
  const result = await verify({
    secret: input.secret,
    token: code,
    epoch: Math.floor(input.now.getTime() / 1000),
    period: PERIOD_SEC,
    epochTolerance: TOLERANCE_SEC,
    ...(input.afterStep != null && { afterTimeStep: input.afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The current code of `secret` at `now` (tests, and nothing else, need to make codes). */
export async function totpCodeAt(secret: string, now: Date): Promise<string> {
  const { generate } = await otplib();
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), period: PERIOD_SEC });
}
