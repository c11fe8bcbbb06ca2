import { parseControlMessage } from '@tether/protocol/agent';
import { WAKE_UP_WINDOW_MS, WakeUp, wakeUpText } from '@tether/protocol/wake-up';
import type { Clock } from '../clock.js';
import { verifyText } from '../identity/ed25519.js';

/** Accepted wake-ups remembered at most; only the server key can make them, so it is plenty. */
const MAX_REMEMBERED_NONCES = 10_000;

/** The verdict on one wake-up line. */
export type WakeUpVerdict = { ok: true } | { ok: false; reason: string };

/** Checks wake-ups; see {@link createWakeUpCheck}. */
export interface WakeUpCheck {
  check(line: string): WakeUpVerdict;
}

/**
 * Judges wake-ups sent to a passive agent's port. A wake-up is accepted only when it is
 * for this device, signed by the server key the agent pinned (read at each check: a key
 * hand-over moves it), issued within {@link WAKE_UP_WINDOW_MS} of the agent's clock, and its
 * nonce was never accepted before — the agent remembers accepted nonces for as long as their
 * wake-up could still pass the time check, so a captured wake-up cannot be replayed.
 *
 * @example
 * const verdict = createWakeUpCheck({ deviceId, pinnedKey: () => pin.current(), clock }).check(line);
 */
export function createWakeUpCheck(options: {
  deviceId: string;
  pinnedKey: () => string;
  clock: Clock;
}): WakeUpCheck {
  const { deviceId, pinnedKey, clock } = options;
  /** Nonce → when it can be forgotten (milliseconds since the epoch). */
  const accepted = new Map<string, number>();

  const forgetExpired = (now: number): void => {
    for (const [nonce, until] of accepted) if (until <= now) accepted.delete(nonce);
  };

  return {
    check(line) {
      const parsed = parseControlMessage(WakeUp, line);
      if (!parsed.ok) return { ok: false, reason: 'not a wake-up' };
      const wakeUp = parsed.message;
      if (wakeUp.deviceId !== deviceId) return { ok: false, reason: 'for another device' };
      const now = clock.now().getTime();
      if (Math.abs(now - wakeUp.issuedAt) > WAKE_UP_WINDOW_MS)
        return { ok: false, reason: 'outside the time window (check both clocks)' };
      // The signature before the nonce: forged wake-ups must not fill the memory of nonces.
      if (!verifyText(pinnedKey(), wakeUpText(wakeUp), wakeUp.signature))
        return { ok: false, reason: 'not signed by the pinned server key' };
      forgetExpired(now);
      if (accepted.has(wakeUp.nonce)) return { ok: false, reason: 'replayed' };
      if (accepted.size >= MAX_REMEMBERED_NONCES) return { ok: false, reason: 'too many wake-ups' };
      accepted.set(wakeUp.nonce, wakeUp.issuedAt + WAKE_UP_WINDOW_MS);
      return { ok: true };
    },
  };
}
