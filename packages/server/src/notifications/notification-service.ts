import {
  AppError,
  type Notification,
  type NotificationDelivery,
  type NotificationSettingsView,
  type NotificationTestRequest,
  type NotificationTestResult,
} from '@tether/protocol';
import { recordChange, type AdminActor } from '../audit/admin-actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Notifications } from '../ports/notifications.js';
import type { Store } from '../store/store.js';
import { DeliveryFailure, sendEmail, sendWebhook, type OutgoingMessage } from './channels.js';
import { Deliveries, type DeliveryRetry } from './deliveries.js';
import {
  readNotificationSettings,
  routeOf,
  toSettingsView,
  webhooksFor,
  writeNotificationSettings,
  type NotificationSettings,
} from './notification-settings.js';
import { RepeatGuard } from './repeat-guard.js';

/** The notifications port, and what the admin console does with notifications. */
export interface NotificationService extends Notifications {
  settings(): Promise<NotificationSettingsView>;
  saveSettings(input: NotificationSettings, actor: AdminActor): Promise<NotificationSettingsView>;
  deliveries(): NotificationDelivery[];
  /** Sends one test message at once, without retry, and says what the other side answered. */
  test(request: NotificationTestRequest, actor: AdminActor): Promise<NotificationTestResult>;
  /** Resolves once every delivery started so far has had its current attempt (tests). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** 30 s, 1, 2, 4, 8, 16, 32 min: about an hour of trying before a delivery has failed. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetry = {
  baseMs: 30_000,
  maxMs: 3_600_000,
  attempts: 8,
};

const NO_SMTP = 'No SMTP relay is configured: set one up under Notifications.';

/**
 * Delivers notifications (S-7) by e-mail (nodemailer) and signed webhooks, as the settings in
 * the store say at the time of sending: a change made in the console or by the headless CLI
 * applies to the next notification without a restart.
 *
 * @example
 * const notifications = createNotificationService({ store, clock, log, audit });
 * notifications.notify({ kind: 'server.error', subject: 'Backup failed', text: '…' });
 */
export function createNotificationService(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  retry?: DeliveryRetry;
  random?: () => number;
  /** Settings from the config file: they win, and cannot be changed here. */
  configured?: NotificationSettings | undefined;
}): NotificationService {
  const { store, clock, log, audit, configured } = deps;
  const current = async (): Promise<NotificationSettings> =>
    configured ?? readNotificationSettings(store);
  const source = configured ? 'config file' : 'settings';
  const guard = new RepeatGuard(clock);
  const dispatching = new Set<Promise<void>>();
  const deliveries = new Deliveries({
    clock,
    log,
    audit,
    retry: deps.retry ?? DEFAULT_DELIVERY_RETRY,
    random: deps.random ?? Math.random,
  });

  /** An e-mail send that reads the relay settings at each attempt. */
  const emailTo =
    (to: string) =>
    async (message: OutgoingMessage): Promise<string> => {
      const { smtp } = await current();
      if (!smtp) throw new DeliveryFailure(NO_SMTP);
      return sendEmail(smtp, to, message);
    };
  const webhookNamed =
    (id: string) =>
    async (message: OutgoingMessage): Promise<string> => {
      const settings = await current();
      const webhook =
        message.kind === 'test'
          ? undefined
          : webhooksFor(settings, message.kind).find((candidate) => candidate.id === id);
      if (!webhook)
        throw new DeliveryFailure(`Webhook "${id}" was removed or no longer gets ${message.kind}.`);
      return sendWebhook(webhook, message);
    };

  async function dispatch(notification: Notification): Promise<void> {
    const settings = await current();
    const route = routeOf(settings, notification.kind);
    if (!route.enabled) return;
    const addresses = new Set([...route.recipients, ...(notification.to ?? [])]);
    for (const to of addresses)
      deliveries.start(notification, { channel: 'email', recipient: to, send: emailTo(to) });
    for (const webhook of webhooksFor(settings, notification.kind)) {
      deliveries.start(notification, {
        channel: 'webhook',
        recipient: webhook.id,
        send: webhookNamed(webhook.id),
      });
    }
  }

  async function test(request: NotificationTestRequest): Promise<NotificationTestResult> {
    const settings = await current();
    const message: OutgoingMessage = {
      id: `test-${clock.now().getTime()}`,
      kind: 'test',
      subject: 'Test notification',
      text: 'This is a test notification from your Tether server. If you read it, this channel works.',
      details: { test: true },
      at: clock.now(),
    };
    let send: () => Promise<string>;
    if (request.channel === 'email') {
      const { smtp } = settings;
      if (!smtp) throw new AppError('INVALID_INPUT', NO_SMTP);
      send = () => sendEmail(smtp, request.to, message);
    } else {
      const webhook = settings.webhooks.find((candidate) => candidate.id === request.webhookId);
      if (!webhook?.secret)
        throw new AppError('NOT_FOUND', `There is no webhook "${request.webhookId}".`);
      const { secret } = webhook;
      send = () => sendWebhook({ ...webhook, secret }, message);
    }
    try {
      return { ok: true, answer: await send() };
    } catch (error) {
      if (error instanceof DeliveryFailure) return { ok: false, answer: error.message };
      throw error;
    }
  }

  return {
    notify(notification) {
      if (!guard.admit(notification)) {
        log.info(
          { kind: notification.kind, subject: notification.subject },
          'notification held back: sent recently',
        );
        return;
      }
      const started = dispatch(notification)
        .catch((error: unknown) => {
          log.error({ err: error, kind: notification.kind }, 'cannot send a notification');
        })
        .finally(() => dispatching.delete(started));
      dispatching.add(started);
    },
    async settings() {
      return toSettingsView(await current(), source);
    },
    async saveSettings(input, actor) {
      if (configured) {
        throw new AppError(
          'CONFLICT',
          'The notification settings are set in the server config file; change them there.',
        );
      }
      const view = toSettingsView(await writeNotificationSettings(store, input));
      await recordChange(audit, 'settings.changed', actor, 'notifications', { settings: view });
      return view;
    },
    deliveries: () => deliveries.log.list(),
    async test(request, actor) {
      const result = await test(request);
      const recipient = request.channel === 'email' ? request.to : request.webhookId;
      await recordChange(audit, 'notification.tested', actor, recipient, {
        channel: request.channel,
        ok: result.ok,
        answer: result.answer,
      });
      return result;
    },
    async settled() {
      await Promise.allSettled([...dispatching]);
      await deliveries.settled();
    },
    async stop() {
      await Promise.allSettled([...dispatching]);
      await deliveries.stop();
    },
  };
}
