import { z } from 'zod';
import { ErrorBody } from '../errors.js';
import { Base64Url } from '../ids.js';
import { RolloutData } from './rollout-data.js';

/**
 * Where an app registers its signing key before it may use the rollout endpoint: the
 * integration API's `oem.registerApp` (contracts/oem.ts) takes its method and path from here, so
 * the agent can name it in its refusals without loading the API's schemas.
 */
export const APP_REGISTRATION_ENDPOINT = {
  method: 'POST',
  path: '/api/v1/oem/appregistrations',
} as const;

/**
 * The agent's local rollout endpoint (O-5): newline-delimited JSON over a Unix socket that only
 * the agent's user can open. The app names its registration and shows its public signing key;
 * the agent checks the key's SHA-256 against the registration, sends a challenge, and hands out
 * the rollout data once the app signed it.
 *
 * @example
 * socket.write(JSON.stringify({ type: 'hello', accountId, keyId, publicKey }) + '\n');
 */
export const RolloutIpcHello = z.object({
  type: z.literal('hello'),
  accountId: z.string().min(1).max(128),
  keyId: z.string().min(1).max(128),
  /** The app's public signing key, SPKI PEM. */
  publicKey: z.string().min(1).max(8192),
});
export type RolloutIpcHello = z.infer<typeof RolloutIpcHello>;

/** The app's signature over {@link rolloutChallengeText}, base64url. */
export const RolloutIpcProof = z.object({
  type: z.literal('proof'),
  signature: Base64Url.min(16).max(2048),
});

/** Messages the app sends, one per line. */
export const RolloutIpcClientMessage = z.discriminatedUnion('type', [
  RolloutIpcHello,
  RolloutIpcProof,
]);
export type RolloutIpcClientMessage = z.infer<typeof RolloutIpcClientMessage>;

/** Messages the agent sends, one per line. */
export const RolloutIpcAgentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('challenge'), nonce: Base64Url.min(16).max(256) }),
  z.object({ type: z.literal('rollout'), rollout: RolloutData }),
  z.object({ type: z.literal('error'), error: ErrorBody }),
]);
export type RolloutIpcAgentMessage = z.infer<typeof RolloutIpcAgentMessage>;

/**
 * The text the app signs to prove it holds the registered signing key; bound to the
 * registration and the agent's one-time challenge so a signature cannot be replayed.
 *
 * @example
 * sign('sha256', utf8.encode(rolloutChallengeText({ accountId, keyId, nonce })), privateKey);
 */
export function rolloutChallengeText(input: {
  accountId: string;
  keyId: string;
  nonce: string;
}): string {
  return `tether-oem-rollout-v1\n${input.accountId}\n${input.keyId}\n${input.nonce}`;
}
