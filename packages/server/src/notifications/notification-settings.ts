import {
  AppError,
  NotificationSettingsInput,
  type NotificationKind,
  type NotificationRoute,
  type NotificationSettingsView,
  type WebhookInput,
} from '@tether/protocol';
import { z } from 'zod';
import type { NotificationsConfig } from '../config/notifications-config.js';
import type { Store } from '../store/store.js';
import { readSetting } from '../store/read-setting.js';

const KEY = 'notifications';

/** The settings as stored: the secrets are in them (the store is the server's own). */
export type NotificationSettings = z.output<typeof NotificationSettingsInput>;
export type StoredWebhook = WebhookInput & { secret: string };

const EMPTY: NotificationSettings = { smtp: null, webhooks: [], kinds: {} };
const DISABLED: NotificationRoute = { enabled: false, recipients: [] };

/** The settings in force (empty until an administrator saves some). */
export async function readNotificationSettings(
  store: Pick<Store, 'settings'>,
): Promise<NotificationSettings> {
  return readSetting(store.settings, KEY, NotificationSettingsInput, EMPTY);
}

/** The route of one kind: a kind never configured is disabled. */
export function routeOf(settings: NotificationSettings, kind: NotificationKind): NotificationRoute {
  return settings.kinds[kind] ?? DISABLED;
}

/** The webhooks that receive `kind`, each with its secret. */
export function webhooksFor(
  settings: NotificationSettings,
  kind: NotificationKind,
): StoredWebhook[] {
  return settings.webhooks.filter(
    (webhook): webhook is StoredWebhook =>
      webhook.secret !== undefined && webhook.kinds.includes(kind),
  );
}

/** The settings the config file sets (any of `smtp`, `webhooks`, `kinds`), if it does. */
export function configuredSettings(config: NotificationsConfig): NotificationSettings | undefined {
  const { smtp, webhooks, kinds } = config;
  if (smtp === undefined && webhooks === undefined && kinds === undefined) return undefined;
  return { smtp: smtp ?? null, webhooks: webhooks ?? [], kinds: kinds ?? {} };
}

/** The settings as the API shows them: whether each secret is set, never the secret. */
export function toSettingsView(
  settings: NotificationSettings,
  source: NotificationSettingsView['source'] = 'settings',
): NotificationSettingsView {
  let smtp: NotificationSettingsView['smtp'] = null;
  if (settings.smtp) {
    const { password, ...rest } = settings.smtp;
    smtp = { ...rest, passwordSet: password !== undefined };
  }
  return {
    smtp,
    webhooks: settings.webhooks.map(({ secret, ...rest }) => ({
      ...rest,
      secretSet: secret !== undefined,
    })),
    kinds: settings.kinds,
    source,
  };
}

/**
 * Replaces the settings. A password or webhook secret left out keeps the stored one (the
 * console never has them to send back); a new webhook without a secret is refused, since its
 * receiver could not tell our calls from anyone's. Nothing is written when the input is refused.
 */
export async function writeNotificationSettings(
  store: Pick<Store, 'settings'>,
  input: NotificationSettings,
): Promise<NotificationSettings> {
  const before = await readNotificationSettings(store);
  const previous = new Map(before.webhooks.map((webhook) => [webhook.id, webhook]));
  const webhooks = input.webhooks.map((webhook) => {
    const secret = webhook.secret ?? previous.get(webhook.id)?.secret;
    if (secret === undefined) {
      throw new AppError(
        'INVALID_INPUT',
        `Webhook "${webhook.id}" needs a secret: its receiver checks every call's signature with it.`,
      );
    }
    return { ...webhook, secret };
  });
  // The password belongs to the account: another user name does not inherit it.
  const sameAccount = input.smtp?.username === before.smtp?.username;
  const smtp = input.smtp && {
    ...input.smtp,
    password: input.smtp.password ?? (sameAccount ? before.smtp?.password : undefined),
  };
  const settings: NotificationSettings = { smtp, webhooks, kinds: input.kinds };
  await store.settings.set(KEY, settings);
  return settings;
}
