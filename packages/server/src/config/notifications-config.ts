import { z } from 'zod';
import { NotificationSettingsInput } from '@tether/protocol';

const RETRY_DEFAULTS = { retryBaseSec: 30, retryMaxSec: 3600, attempts: 8 };

/**
 * The `notifications` key of the config file: how failed deliveries are retried and,
 * optionally, the relay, webhooks and recipients themselves (same fields as
 * `PUT /conf/api/notifications`, secrets inline). With any of `smtp`, `webhooks` or `kinds` the
 * file governs them all, and the console and `tether admin notifications` show them read-only.
 *
 * @example
 * "notifications": { "attempts": 8,
 *   "smtp": { "host": "smtp.example.com", "port": 587, "security": "starttls",
 *     "username": "tether", "password": "…", "from": "tether@example.com" },
 *   "kinds": { "server.error": { "enabled": true, "recipients": ["ops@example.com"] } } }
 */
export const NotificationsConfig = z
  .object({
    /** Delay after a failed delivery; it doubles per failure (with jitter) up to `retryMaxSec`. */
    retryBaseSec: z.number().positive().max(86_400).default(RETRY_DEFAULTS.retryBaseSec),
    retryMaxSec: z.number().positive().max(86_400).default(RETRY_DEFAULTS.retryMaxSec),
    /** Attempts in all before a delivery has failed (audited as `notification.failed`). */
    attempts: z.int().min(1).max(50).default(RETRY_DEFAULTS.attempts),
    smtp: NotificationSettingsInput.shape.smtp.unwrap().unwrap().optional(),
    webhooks: NotificationSettingsInput.shape.webhooks
      .unwrap()
      .refine((webhooks) => webhooks.every((webhook) => webhook.secret !== undefined), {
        message: 'Each webhook needs a secret.',
      })
      .optional(),
    kinds: NotificationSettingsInput.shape.kinds.unwrap().optional(),
  })
  .default(RETRY_DEFAULTS);
export type NotificationsConfig = z.infer<typeof NotificationsConfig>;
