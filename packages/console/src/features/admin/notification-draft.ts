import {
  NotificationKind,
  type NotificationSettingsInput,
  type NotificationSettingsView,
  type SmtpSecurity,
} from '@tether/protocol';

/** The notification form as typed: text fields as text, secrets empty unless being replaced. */
export interface NotificationDraft {
  hasSmtp: boolean;
  smtp: {
    host: string;
    port: string;
    security: SmtpSecurity;
    username: string;
    /** Empty: keep the stored password. */
    password: string;
    passwordSet: boolean;
    from: string;
    allowUntrustedCertificate: boolean;
  };
  webhooks: {
    id: string;
    url: string;
    /** Empty: keep the stored secret. */
    secret: string;
    secretSet: boolean;
    kinds: NotificationKind[];
  }[];
  /** Per kind: enabled, and its e-mail recipients as typed (commas or lines). */
  kinds: Record<NotificationKind, { enabled: boolean; recipients: string }>;
}

/** What a person reads for each kind. */
export const KIND_LABELS: Record<NotificationKind, string> = {
  'agent.lost': 'Agent lost',
  'storage.failing': 'Recording uploads failing',
  'server.error': 'Server error',
  'certificate.expiring': 'TLS certificate expiring',
  'admin.newAddress': 'Administrator signed in from a new address',
  'session.invitation': 'Session invitation',
};

export const DEFAULT_PORTS: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

export function draftOf(view: NotificationSettingsView): NotificationDraft {
  const smtp = view.smtp;
  return {
    hasSmtp: smtp !== null,
    smtp: {
      host: smtp?.host ?? '',
      port: String(smtp?.port ?? DEFAULT_PORTS.starttls),
      security: smtp?.security ?? 'starttls',
      username: smtp?.username ?? '',
      password: '',
      passwordSet: smtp?.passwordSet ?? false,
      from: smtp?.from ?? '',
      allowUntrustedCertificate: smtp?.allowUntrustedCertificate ?? false,
    },
    webhooks: view.webhooks.map((webhook) => ({ ...webhook, secret: '' })),
    kinds: Object.fromEntries(
      NotificationKind.options.map((kind) => {
        const route = view.kinds[kind];
        return [
          kind,
          { enabled: route?.enabled ?? false, recipients: (route?.recipients ?? []).join(', ') },
        ];
      }),
    ) as NotificationDraft['kinds'],
  };
}

const addresses = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');

/** The request the draft makes; the server validates it and names what is wrong. */
export function requestOf(draft: NotificationDraft): NotificationSettingsInput {
  const { smtp } = draft;
  return {
    smtp: draft.hasSmtp
      ? {
          host: smtp.host.trim(),
          port: Number(smtp.port),
          security: smtp.security,
          ...(smtp.username.trim() ? { username: smtp.username.trim() } : {}),
          ...(smtp.password ? { password: smtp.password } : {}),
          from: smtp.from.trim(),
          allowUntrustedCertificate: smtp.allowUntrustedCertificate,
        }
      : null,
    webhooks: draft.webhooks.map((webhook) => ({
      id: webhook.id.trim(),
      url: webhook.url.trim(),
      kinds: webhook.kinds,
      ...(webhook.secret ? { secret: webhook.secret } : {}),
    })),
    kinds: Object.fromEntries(
      NotificationKind.options.map((kind) => [
        kind,
        { enabled: draft.kinds[kind].enabled, recipients: addresses(draft.kinds[kind].recipients) },
      ]),
    ),
  };
}
