import { z } from 'zod';
import { Timestamp } from '../ids.js';
import { NotificationKind } from './notifications.js';

/** A write-only secret: absent keeps the stored one, a string replaces it. */
const Secret = z.string().min(1).max(1024);
const Email = z.email().max(254);

/**
 * How the server reaches its SMTP relay: `starttls` upgrades a plain connection (port 587) and
 * refuses to go on without it; `tls` is TLS from the first byte (port 465); `none` sends in clear
 * (a relay on the same host only).
 */
export const SmtpSecurity = z.enum(['starttls', 'tls', 'none']);
export type SmtpSecurity = z.infer<typeof SmtpSecurity>;

const smtpFields = {
  host: z.string().trim().min(1).max(253),
  port: z.int().min(1).max(65535),
  security: SmtpSecurity,
  /** Sign-in name on the relay; absent: no authentication. */
  username: z.string().min(1).max(256).optional(),
  /** The `From:` address of every notification. */
  from: Email,
  /**
   * Accept a relay certificate that does not chain to a trusted authority (a relay with a
   * self-signed certificate on the local network). The connection is still encrypted.
   */
  allowUntrustedCertificate: z.boolean().default(false),
};

/** SMTP as an administrator sets it; `password` absent keeps the stored one. */
export const SmtpSettingsInput = z.object({ ...smtpFields, password: Secret.optional() });
export type SmtpSettingsInput = z.infer<typeof SmtpSettingsInput>;
/** SMTP as the API shows it: whether a password is set, never the password. */
export const SmtpSettingsView = z.object({ ...smtpFields, passwordSet: z.boolean() });
export type SmtpSettingsView = z.infer<typeof SmtpSettingsView>;

export const WebhookId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Use 1–40 lowercase letters, digits and dashes.');

const webhookFields = {
  id: WebhookId,
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** The kinds this receiver is sent (each still only while the kind is enabled). */
  kinds: z.array(NotificationKind).max(NotificationKind.options.length),
};

/** A webhook as an administrator sets it; `secret` absent keeps the one of the same `id`. */
export const WebhookInput = z.object({ ...webhookFields, secret: Secret.optional() });
export type WebhookInput = z.infer<typeof WebhookInput>;
export const WebhookView = z.object({ ...webhookFields, secretSet: z.boolean() });
export type WebhookView = z.infer<typeof WebhookView>;

/** Per kind: whether it is sent at all, and to which e-mail addresses. */
export const NotificationRoute = z.object({
  enabled: z.boolean(),
  recipients: z.array(Email).max(50),
});
export type NotificationRoute = z.infer<typeof NotificationRoute>;

/** One route for each kind (a kind left out is disabled with no recipients). */
export const NotificationRoutes = z.partialRecord(NotificationKind, NotificationRoute);
export type NotificationRoutes = z.infer<typeof NotificationRoutes>;

const uniqueIds = (list: readonly { id: string }[]): boolean =>
  new Set(list.map((entry) => entry.id)).size === list.length;

/** `PUT /conf/api/notifications`: the whole notification settings. */
export const NotificationSettingsInput = z.object({
  /** Absent or null: no e-mail. */
  smtp: SmtpSettingsInput.nullable().default(null),
  webhooks: z
    .array(WebhookInput)
    .max(10)
    .refine(uniqueIds, { message: 'Two webhooks have the same id.' })
    .default([]),
  kinds: NotificationRoutes.default({}),
});
export type NotificationSettingsInput = z.input<typeof NotificationSettingsInput>;

export const NotificationSettingsView = z.object({
  smtp: SmtpSettingsView.nullable(),
  webhooks: z.array(WebhookView),
  kinds: NotificationRoutes,
  /** `config file`: set in the server's config file, read-only here. */
  source: z.enum(['settings', 'config file']),
});
export type NotificationSettingsView = z.infer<typeof NotificationSettingsView>;

/**
 * One delivery of one notification to one recipient (an e-mail address or a webhook id):
 * `pending` until its first attempt ends, `retrying` after a failure with attempts left,
 * `delivered`, or `failed` once every attempt failed (then audited as `notification.failed`).
 */
export const NotificationDelivery = z.object({
  id: z.string(),
  kind: NotificationKind,
  subject: z.string(),
  channel: z.enum(['email', 'webhook']),
  recipient: z.string(),
  status: z.enum(['pending', 'retrying', 'delivered', 'failed']),
  attempts: z.int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  nextAttemptAt: Timestamp.nullable(),
  /** What the last failed attempt was told (the relay's or the receiver's answer). */
  lastError: z.string().nullable(),
});
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

export const NotificationDeliveries = z.object({
  /** Newest first; the server keeps the most recent few hundred since it started. */
  deliveries: z.array(NotificationDelivery),
});
export type NotificationDeliveries = z.infer<typeof NotificationDeliveries>;

/** `POST /conf/api/notifications/test`: one test message through one channel, sent at once. */
export const NotificationTestRequest = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('email'), to: Email }),
  z.object({ channel: z.literal('webhook'), webhookId: WebhookId }),
]);
export type NotificationTestRequest = z.infer<typeof NotificationTestRequest>;

/** What the relay or the receiver answered to the test (no retry: the answer is the point). */
export const NotificationTestResult = z.object({
  ok: z.boolean(),
  /** The SMTP relay's final reply, or the webhook's HTTP status and the start of its body. */
  answer: z.string(),
});
export type NotificationTestResult = z.infer<typeof NotificationTestResult>;
