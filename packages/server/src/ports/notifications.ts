import type { Notification } from '@tether/protocol';

/**
 * Where the server's parts send what administrators must hear about (S-7). `notify` never
 * throws and never waits for delivery: delivery, retries and their failures belong to the
 * notification service, which records them where administrators can see them.
 */
export interface Notifications {
  notify(notification: Notification): void;
}
