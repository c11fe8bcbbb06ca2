import { z } from 'zod';
import { Base64Url, DeviceId } from '../ids.js';

// The wake-up itself, apart from the control messages (wake.ts): the agent reads it only
// in the code it loads once it is passive, through `@tether/protocol/wake-up`, so an active
// agent never constructs these schemas.

/**
 * A wake-up is accepted this long either side of its `issuedAt`: room for clocks a minute apart
 * and a slow network, while the agent remembers every nonce it accepted for that long.
 */
export const WAKE_UP_WINDOW_MS = 120_000;

/** A wake-up line (JSON and its newline) is never longer than this; longer input is dropped. */
export const MAX_WAKE_UP_BYTES = 1024;

/**
 * The signed wake-up the server sends to a passive agent's port: one JSON line over TCP.
 * `signature` is the server key's Ed25519 signature over {@link wakeUpText}; the agent checks it
 * against the key it pinned, that `deviceId` is its own, that `issuedAt` is within
 * {@link WAKE_UP_WINDOW_MS} of its clock, and that it never accepted `nonce` before.
 *
 * @example
 * const line = JSON.stringify({ deviceId, nonce, issuedAt, signature: sign(wakeUpText({ deviceId, nonce, issuedAt })) });
 */
export const WakeUp = z.object({
  deviceId: DeviceId,
  nonce: Base64Url.min(22).max(64),
  /** Milliseconds since the epoch, on the server's clock. */
  issuedAt: z.int().nonnegative(),
  signature: Base64Url.max(128),
});
export type WakeUp = z.infer<typeof WakeUp>;

/**
 * The text a wake-up's signature covers; its first line keeps it from ever being mistaken for
 * another of the server key's proofs.
 *
 * @example
 * verify(pinnedKey, wakeUpText(wakeUp), wakeUp.signature);
 */
export function wakeUpText(input: { deviceId: string; nonce: string; issuedAt: number }): string {
  return `tether/v1/wake-up\n${input.deviceId}\n${input.nonce}\n${String(input.issuedAt)}`;
}

/**
 * The agent's one-line answer to a wake-up: accepted (it connects now), or why not.
 *
 * @example
 * const reply = WakeUpReply.parse(JSON.parse(firstLine)); // { ok: false, message: 'Wake-up refused: replayed.' }
 */
export const WakeUpReply = z.object({ ok: z.boolean(), message: z.string().max(256).optional() });
export type WakeUpReply = z.infer<typeof WakeUpReply>;
