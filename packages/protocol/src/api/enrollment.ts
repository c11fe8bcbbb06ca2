import { z } from 'zod';
import { Base64Url, DeviceId } from '../ids.js';
import { DeviceInventory } from '../agent/inventory.js';
import { ServerProofMode } from '../identity/proofs.js';

/**
 * `POST /api/v1/agent/enroll`, sent by `tether agent enroll`.
 *
 * @example
 * await post('/api/v1/agent/enroll', { token, publicKey, inventory });
 */
export const EnrollRequest = z.object({
  token: z.string().min(1).max(4096),
  /** The agent's Ed25519 public key, raw 32 bytes as base64url. */
  publicKey: Base64Url.length(43),
  inventory: DeviceInventory,
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

/** The server's answer, signed so the agent can check it came from the pinned server. */
export const EnrollResponse = z.object({
  deviceId: DeviceId,
  /** The server's Ed25519 public key, raw 32 bytes as base64url; its SHA-256 is the pin. */
  serverPublicKey: Base64Url,
  /** Signature over `enrollmentProofText`. */
  signature: Base64Url,
  /** What the signature binds (S-11); absent: `direct`. It is inside the signed text too. */
  mode: ServerProofMode.optional(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;
