import { z } from 'zod';

/**
 * The `notifications` key of the config file: how failed deliveries are retried. The relay,
 * webhooks and recipients are settings (console or `tether admin notifications`).
 *
 * @example
 * "notifications": { "retryBaseSec": 30, "retryMaxSec": 3600, "attempts": 8 }
 */
export const NotificationsConfig = z
  .object({
    /** Delay after a failed delivery; it doubles per failure (with jitter) up to `retryMaxSec`. */
    retryBaseSec: z.number().positive().max(86_400).default(30),
    retryMaxSec: z.number().positive().max(86_400).default(3600),
    /** Attempts in all before a delivery has failed (audited as `notification.failed`). */
    attempts: z.int().min(1).max(50).default(8),
  })
  .default({ retryBaseSec: 30, retryMaxSec: 3600, attempts: 8 });
