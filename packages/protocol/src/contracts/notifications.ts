import {
  NotificationDeliveries,
  NotificationSettingsInput,
  NotificationSettingsView,
  NotificationTestRequest,
  NotificationTestResult,
} from '../api/notification-settings.js';
import { endpoint } from './endpoint.js';

const view = { kind: 'user', permission: 'settings.view' } as const;
const manage = { kind: 'user', permission: 'settings.manage' } as const;

/** E-mail and webhook notifications to administrators (S-7), on the admin listener. */
export const notificationEndpoints = {
  get: endpoint({
    id: 'notifications.get',
    method: 'GET',
    path: '/conf/api/notifications',
    listener: 'admin',
    summary: 'Read the notification settings',
    description:
      'SMTP relay, webhooks and, per kind, whether it is sent and to which addresses. Secrets are never returned: `passwordSet` / `secretSet` say whether one is set.',
    access: view,
    success: { status: 200, body: NotificationSettingsView },
    errors: [],
  }),
  set: endpoint({
    id: 'notifications.set',
    method: 'PUT',
    path: '/conf/api/notifications',
    listener: 'admin',
    summary: 'Set the notification settings',
    description:
      'Replaces the settings; the next notification uses them. A password or webhook secret left out keeps the stored one (same webhook `id`); a new webhook needs a secret. Audited as `settings.changed` (target `notifications`), without secrets. `CONFLICT` when they are set in the config file.',
    access: manage,
    subject: 'notification settings',
    body: NotificationSettingsInput,
    success: { status: 200, body: NotificationSettingsView },
    errors: ['INVALID_INPUT', 'CONFLICT'],
  }),
  deliveries: endpoint({
    id: 'notifications.deliveries',
    method: 'GET',
    path: '/conf/api/notifications/deliveries',
    listener: 'admin',
    summary: 'List recent notification deliveries',
    description:
      'Each e-mail and webhook delivery since the server started (newest first, the last few hundred) with its attempts and the last error. Deliveries that failed for good are in the audit log too (`notification.failed`).',
    access: view,
    success: { status: 200, body: NotificationDeliveries },
    errors: [],
  }),
  test: endpoint({
    id: 'notifications.test',
    method: 'POST',
    path: '/conf/api/notifications/test',
    listener: 'admin',
    summary: 'Send a test notification through one channel',
    description:
      'Sends one test e-mail to the given address through the configured relay, or one signed test event to a webhook, at once and without retry, and answers what the relay or receiver replied. Audited as `notification.tested`.',
    access: manage,
    subject: 'notification test',
    body: NotificationTestRequest,
    success: { status: 200, body: NotificationTestResult },
    errors: ['INVALID_INPUT', 'NOT_FOUND'],
  }),
};
