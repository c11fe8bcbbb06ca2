import { z } from 'zod';

/**
 * What the server tells administrators about by e-mail or webhook (S-7). Each kind has its own
 * recipients in the notification settings.
 */
export const NotificationKind = z.enum([
  'agent.lost',
  'storage.failing',
  'server.error',
  'certificate.expiring',
  'admin.newAddress',
  'session.invitation',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * One notification as its emitter writes it: a one-line subject and a plain-text body for
 * people, plus `details` (flat, no secrets) for webhook receivers.
 *
 * @example
 * notifications.notify({ kind: 'agent.lost', subject: 'Device web-01 is lost',
 *   text: 'web-01 has not connected for 15 days.', details: { deviceId } });
 */
export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly text: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Extra e-mail recipients for this one notification (a session invitation goes to the
   * invited person), besides the kind's configured recipients.
   */
  readonly to?: readonly string[];
}
