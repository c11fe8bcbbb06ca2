import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header with the signature: `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const SIGNATURE_HEADER = 'x-tether-signature';
/** Header with the time of sending, in whole seconds since 1970 (signed with the body). */
export const TIMESTAMP_HEADER = 'x-tether-timestamp';
/** A receiver refuses calls signed longer ago than this (replays of a captured call). */
export const SIGNATURE_TOLERANCE_SEC = 300;

function hmac(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The headers that let a webhook receiver check a call came from this server, unchanged and
 * recently: the timestamp is signed with the body, so a captured call replayed later fails
 * the receiver's age check and cannot be re-dated.
 *
 * @example
 * signWebhook('s3cret', '{"kind":"server.error"}', new Date());
 * // { 'x-tether-timestamp': '1765000000', 'x-tether-signature': 'sha256=5f1c…' }
 */
export function signWebhook(secret: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: `sha256=${hmac(secret, timestamp, body)}`,
  };
}

/**
 * What a receiver does (tests and the README's example): recompute the signature over the raw
 * body, compare in constant time, and refuse a timestamp outside the tolerance.
 *
 * @example
 * verifyWebhook({ secret, body, timestamp, signature, now: new Date() }); // true or false
 */
export function verifyWebhook(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
}): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs(input.now.getTime() / 1000 - Number(timestamp));
  if (age > SIGNATURE_TOLERANCE_SEC) return false;
  const expected = Buffer.from(`sha256=${hmac(input.secret, timestamp, input.body)}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
