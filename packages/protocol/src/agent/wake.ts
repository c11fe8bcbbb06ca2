import { z } from 'zod';
import { ErrorBody } from '../errors.js';
import { Base64Url, DeviceId } from '../ids.js';
import { MacAddress } from '../api/device-network.js';

/** The port a passive agent listens on for wake-ups unless told otherwise. */
export const DEFAULT_PASSIVE_PORT = 5832;

/** Wake-on-LAN's customary UDP port (the "discard" port). */
export const DEFAULT_WAKE_ON_LAN_PORT = 9;

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

/**
 * A SecureOn password as the API takes it: 4 or 6 bytes in hex, optionally separated by `:` or
 * `-` (`00:11:22:33:44:55`, `c0a80001`).
 *
 * @example
 * SecureOnPassword.parse('00-11-22-33-44-55');
 */
export const SecureOnPassword = z
  .string()
  .regex(
    /^[0-9a-fA-F]{2}(?:[:-]?[0-9a-fA-F]{2}){3}(?:(?:[:-]?[0-9a-fA-F]{2}){2})?$/,
    'must be 4 or 6 bytes in hex, like 00:11:22:33:44:55',
  );

/**
 * A SecureOn password on the wire to the sending agent: 8 or 12 lower-case hex digits.
 *
 * @example
 * SecureOnHex.parse(secureOnHex('00:11:22:33:44:55')); // '001122334455'
 */
export const SecureOnHex = z.string().regex(/^(?:[0-9a-f]{8}|[0-9a-f]{12})$/);

/**
 * Turns a SecureOn password as typed into its wire form.
 *
 * @example
 * secureOnHex('00:11:22:AA:BB:CC'); // '001122aabbcc'
 */
export function secureOnHex(password: string): string {
  return password.replace(/[:-]/g, '').toLowerCase();
}

// ---- server → agent -------------------------------------------------------------------------

/**
 * How this agent keeps in touch, sent after `welcome` to agents with the `wake`
 * capability. `active`: it stays connected. `passive`: it listens on `passivePort` for signed
 * wake-ups, and disconnects once no session has run for `idleSec`.
 */
export const ServerWakeMode = z.object({
  type: z.literal('wake.mode'),
  connectionType: z.enum(['active', 'passive']),
  passivePort: z.int().min(1).max(65535),
  idleSec: z.int().min(1).max(86_400),
});

/**
 * Send Wake-on-LAN magic packets for another device (A-11): 6 × 0xFF then `mac` 16 times, then
 * the SecureOn password when given, to each of `targets` (its subnets' broadcast addresses) by
 * UDP. The agent answers `wake.on_lan_sent` with the same `requestId`.
 */
export const ServerWakeOnLan = z.object({
  type: z.literal('wake.on_lan'),
  requestId: z.uuid(),
  mac: MacAddress,
  secureOn: SecureOnHex.optional(),
  targets: z
    .array(z.object({ address: z.ipv4(), port: z.int().min(1).max(65535) }))
    .min(1)
    .max(8),
});

// ---- agent → server -------------------------------------------------------------------------

/** A passive agent listens for wake-ups on `port` (what it bound, maybe not the one asked). */
export const AgentWakeListening = z.object({
  type: z.literal('wake.listening'),
  port: z.int().min(1).max(65535),
});

/** The answer to `wake.on_lan`: the packets left, or why not. */
export const AgentWakeOnLanSent = z.object({
  type: z.literal('wake.on_lan_sent'),
  requestId: z.uuid(),
  error: ErrorBody.optional(),
});
