import { isIP } from 'node:net';
import { TETHER_VERSION, type NotificationKind } from '@tether/protocol';
import type { NotificationSettings, StoredWebhook } from './notification-settings.js';
import { signWebhook } from './webhook-signature.js';

/** One message as both channels send it. */
export interface OutgoingMessage {
  /** The delivery's id (the webhook's `X-Tether-Delivery`, the e-mail's `X-Tether-Delivery`). */
  id: string;
  /** `test`: the console's "send test" action. */
  kind: NotificationKind | 'test';
  subject: string;
  text: string;
  details: Readonly<Record<string, string | number | boolean>>;
  at: Date;
}

export type SmtpSettings = NonNullable<NotificationSettings['smtp']>;

/** A delivery attempt that failed, with what the relay or receiver said (never a secret). */
export class DeliveryFailure extends Error {}

const SMTP_TIMEOUT_MS = 20_000;
const WEBHOOK_TIMEOUT_MS = 15_000;
const ANSWER_CHARS = 300;

/**
 * nodemailer, loaded at the first e-mail: most servers never send one. Its CommonJS module as
 * `default`: the bundle's dynamic import has no named exports for it.
 */
type Nodemailer = typeof import('nodemailer');
let mailer: Promise<Nodemailer> | undefined;

function describeSmtpError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, response } = error as Error & { code?: string; response?: string };
  const said = response && !error.message.includes(response) ? ` (${response})` : '';
  return `${code ? `${code}: ` : ''}${error.message}${said}`.slice(0, ANSWER_CHARS);
}

/**
 * Sends one e-mail through the configured relay and returns the relay's final reply
 * (`250 OK …`). STARTTLS is required when chosen: a relay that does not offer it is a failure,
 * not a reason to send in clear.
 */
export async function sendEmail(
  smtp: SmtpSettings,
  to: string,
  message: OutgoingMessage,
): Promise<string> {
  // Node gives a CommonJS module's exports as `default` too; its types only know the names.
  mailer ??= import('nodemailer').then(
    (module) => (module as Nodemailer & { default?: Nodemailer }).default ?? module,
  );
  const transport = (await mailer).createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
    tls: {
      rejectUnauthorized: !smtp.allowUntrustedCertificate,
      // SNI carries host names only (RFC 6066); an address is checked against the certificate's IP entries.
      ...(isIP(smtp.host) ? {} : { servername: smtp.host }),
    },
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to,
      subject: `[Tether] ${message.subject}`,
      text: message.text,
      headers: { 'X-Tether-Event': message.kind, 'X-Tether-Delivery': message.id },
    });
    return info.response;
  } catch (error) {
    throw new DeliveryFailure(describeSmtpError(error));
  } finally {
    transport.close();
  }
}

/**
 * POSTs one event to a webhook, signed (see `webhook-signature.ts`), and returns its answer.
 * Anything but a 2xx is a failure, redirects included: a signed event is not followed to
 * another address.
 */
export async function sendWebhook(
  webhook: StoredWebhook,
  message: OutgoingMessage,
): Promise<string> {
  const body = JSON.stringify({
    id: message.id,
    kind: message.kind,
    subject: message.subject,
    text: message.text,
    details: message.details,
    sentAt: message.at.toISOString(),
  });
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': `Tether/${TETHER_VERSION}`,
        'x-tether-event': message.kind,
        'x-tether-delivery': message.id,
        ...signWebhook(webhook.secret, body, message.at),
      },
      body,
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DeliveryFailure(`Cannot reach ${new URL(webhook.url).host}: ${reason}`);
  }
  const text = (await response.text().catch(() => '')).slice(0, ANSWER_CHARS);
  const answer = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
  if (!response.ok) throw new DeliveryFailure(answer);
  return answer;
}
