import type { NotificationDelivery } from '@tether/protocol';

/** Deliveries kept for the admin console: enough for a bad day, bounded in memory. */
const KEPT = 300;

export type DeliveryRecord = {
  -readonly [K in keyof NotificationDelivery]: NotificationDelivery[K];
};

/**
 * The recent deliveries, newest first, kept in memory: what administrators look at when a mail
 * did not arrive. A delivery that failed for good is audited as well, so it outlives a restart.
 */
export class DeliveryLog {
  readonly #records: DeliveryRecord[] = [];

  add(record: DeliveryRecord): DeliveryRecord {
    this.#records.unshift(record);
    this.#records.length = Math.min(this.#records.length, KEPT);
    return record;
  }

  list(): NotificationDelivery[] {
    return this.#records.map((record) => ({ ...record }));
  }
}
