import type { Notification } from '@tether/protocol';
import type { Clock } from '../clock.js';

/** The same notification (kind, subject, extra recipients) is sent once per this window. */
export const REPEAT_WINDOW_MS = 15 * 60_000;
/** At most this many notifications of one kind per hour, whatever their subjects. */
export const PER_KIND_PER_HOUR = 30;
const HOUR_MS = 3_600_000;

/**
 * Keeps a failing server from mailing its administrators to death: a background task failing
 * every second, or every recording failing at the same storage target, makes one message per
 * quarter of an hour, and a storm of different failures is cut at 30 an hour per kind. What is
 * held back is still in the server log and the audit log.
 */
export class RepeatGuard {
  readonly #lastSent = new Map<string, number>();
  readonly #sentByKind = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** True when `notification` may go out now (and counts it as sent). */
  admit(notification: Notification): boolean {
    const now = this.clock.now().getTime();
    this.#forget(now);
    const key = [notification.kind, notification.subject, ...(notification.to ?? [])].join('\n');
    const last = this.#lastSent.get(key);
    if (last !== undefined && now - last < REPEAT_WINDOW_MS) return false;
    const recent = this.#sentByKind.get(notification.kind) ?? [];
    if (recent.length >= PER_KIND_PER_HOUR) return false;
    this.#lastSent.set(key, now);
    this.#sentByKind.set(notification.kind, [...recent, now]);
    return true;
  }

  #forget(now: number): void {
    for (const [key, at] of this.#lastSent)
      if (now - at >= REPEAT_WINDOW_MS) this.#lastSent.delete(key);
    for (const [kind, times] of this.#sentByKind)
      this.#sentByKind.set(
        kind,
        times.filter((at) => now - at < HOUR_MS),
      );
  }
}
