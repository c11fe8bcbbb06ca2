import { AppError } from '@tether/protocol/app-error';
import type {
  NotificationKind,
  NotificationSettingsView,
  NotificationTestRequest,
} from '@tether/protocol';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { readStdin, withStore } from '../headless.js';
import type { NotificationService } from '@tether/server';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

const HEADLESS = { username: 'system', via: 'headless' } as const;

// Spelled out (every kind, checked by the type) so `tether --help` does not load the protocol's
// schemas, and zod with them.
const KIND_SET: Record<NotificationKind, true> = {
  'agent.lost': true,
  'storage.failing': true,
  'server.error': true,
  'certificate.expiring': true,
  'admin.newAddress': true,
  'session.invitation': true,
};
const KINDS = Object.keys(KIND_SET) as NotificationKind[];
const isKind = (text: string | undefined): text is NotificationKind =>
  text !== undefined && Object.hasOwn(KIND_SET, text);

/** Runs `work` on the notification service over the data directory's store. */
async function withNotifications<T>(
  input: CommandInput,
  work: (service: NotificationService) => Promise<T>,
): Promise<T> {
  const { configuredSettings, createLogger, createNotificationService, systemClock } =
    await import('@tether/server');
  const log = createLogger({ level: 'silent' });
  const config = await serverConfigFrom(input);
  const configured = configuredSettings(config.notifications);
  return withStore(config, ({ store, audit }) =>
    work(createNotificationService({ store, audit, log, clock: systemClock, configured })),
  );
}

/** Saves the settings as `change` makes them from the current ones (secrets kept unless given). */
async function change(
  input: CommandInput,
  edit: (view: NotificationSettingsView) => unknown,
): Promise<NotificationSettingsView> {
  return withNotifications(input, async (service) => {
    const { invalidInput, NotificationSettingsInput } = await import('@tether/protocol');
    const parsed = NotificationSettingsInput.safeParse(edit(await service.settings()));
    if (!parsed.success) throw invalidInput('notification settings', parsed.error);
    return service.saveSettings(parsed.data, HEADLESS);
  });
}

function describe(view: NotificationSettingsView): string {
  const { smtp } = view;
  const lines = [
    smtp
      ? `SMTP: ${smtp.host}:${smtp.port} (${smtp.security})${smtp.username ? `, user ${smtp.username}, password ${smtp.passwordSet ? 'set' : 'not set'}` : ', no authentication'}, from ${smtp.from}${smtp.allowUntrustedCertificate ? ', any certificate' : ''}`
      : 'SMTP: not configured',
    ...view.webhooks.map(
      (webhook) =>
        `Webhook ${webhook.id}: ${webhook.url} (secret ${webhook.secretSet ? 'set' : 'missing'}) gets ${webhook.kinds.join(', ') || 'nothing'}`,
    ),
    ...KINDS.map((kind) => {
      const route = view.kinds[kind];
      const state = route?.enabled ? 'on ' : 'off';
      return `${state} ${kind.padEnd(20)} ${route?.recipients.join(', ') ?? ''}`.trimEnd();
    }),
  ];
  if (view.source === 'config file')
    lines.unshift('Set in the server config file (read-only here).');
  return lines.join('\n');
}

function kindsOption(text: string | undefined): NotificationKind[] {
  if (text === undefined) return KINDS;
  return text.split(',').map((kind) => {
    const trimmed = kind.trim();
    if (!isKind(trimmed))
      throw new AppError('INVALID_INPUT', `Unknown kind "${trimmed}"; use ${KINDS.join(', ')}.`);
    return trimmed;
  });
}

const show: Command = {
  name: 'admin notifications show',
  summary: 'Show the notification settings (SMTP relay, webhooks, events and recipients).',
  usage: `tether admin notifications show [--json] [--data-dir DIR]

Secrets are never shown: only whether the SMTP password and each webhook secret are set.`,
  options: { ...dataDirOptions, json: { type: 'boolean' } },
  async run(input) {
    const view = await withNotifications(input, (service) => service.settings());
    input.out(input.values.json ? JSON.stringify(view, null, 2) : describe(view));
    return 0;
  },
};

const setSmtp: Command = {
  name: 'admin notifications set-smtp',
  summary: 'Set the SMTP relay notifications are e-mailed through (or --off).',
  usage: `tether admin notifications set-smtp --host HOST --from ADDRESS [--port N]
    [--security starttls|tls|none] [--username NAME [--password-stdin]]
    [--allow-untrusted-certificate] [--data-dir DIR]
tether admin notifications set-smtp --off

--security starttls (default, port 587) requires STARTTLS; tls (port 465) is TLS from the
start; none sends in clear (a relay on this host only). Without --password-stdin the stored
password is kept. A running server uses the change for its next notification.`,
  options: {
    ...dataDirOptions,
    host: { type: 'string' },
    port: { type: 'string' },
    security: { type: 'string' },
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    from: { type: 'string' },
    'allow-untrusted-certificate': { type: 'boolean' },
    off: { type: 'boolean' },
  },
  async run(input) {
    const password = input.values['password-stdin'] ? await readStdin() : undefined;
    const smtp = input.values.off
      ? null
      : {
          host: requireOption(input, 'host', this.name),
          from: requireOption(input, 'from', this.name),
          security: stringOption(input, 'security') ?? 'starttls',
          port: Number(
            stringOption(input, 'port') ??
              { starttls: 587, tls: 465, none: 25 }[stringOption(input, 'security') ?? 'starttls'],
          ),
          username: stringOption(input, 'username'),
          password,
          allowUntrustedCertificate: input.values['allow-untrusted-certificate'] === true,
        };
    input.out(describe(await change(input, (view) => ({ ...view, smtp }))));
    return 0;
  },
};

const addWebhook: Command = {
  name: 'admin notifications add-webhook',
  summary: 'Add or replace a webhook that receives signed notifications.',
  usage: `tether admin notifications add-webhook ID --url URL [--secret-stdin] [--kinds K1,K2] [--data-dir DIR]

Each event is POSTed as JSON with X-Tether-Timestamp (seconds) and
X-Tether-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>.
A new webhook needs --secret-stdin; a replaced one keeps its secret without it.
--kinds defaults to every kind: ${KINDS.join(', ')}.`,
  options: {
    ...dataDirOptions,
    url: { type: 'string' },
    'secret-stdin': { type: 'boolean' },
    kinds: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const [id] = input.positionals;
    if (!id)
      throw new AppError('INVALID_INPUT', `Name the webhook: tether ${this.name} ID --url URL`);
    const url = requireOption(input, 'url', this.name);
    const secret = input.values['secret-stdin'] ? await readStdin() : undefined;
    const kinds = kindsOption(stringOption(input, 'kinds'));
    const view = await change(input, (before) => ({
      ...before,
      webhooks: [
        ...before.webhooks.filter((webhook) => webhook.id !== id),
        { id, url, kinds, ...(secret ? { secret } : {}) },
      ],
    }));
    input.out(describe(view));
    return 0;
  },
};

const removeWebhook: Command = {
  name: 'admin notifications remove-webhook',
  summary: 'Remove a notification webhook.',
  usage: 'tether admin notifications remove-webhook ID [--data-dir DIR]',
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [id] = input.positionals;
    const view = await change(input, (before) => {
      if (!before.webhooks.some((webhook) => webhook.id === id))
        throw new AppError('NOT_FOUND', `There is no webhook "${id ?? ''}".`);
      return { ...before, webhooks: before.webhooks.filter((webhook) => webhook.id !== id) };
    });
    input.out(describe(view));
    return 0;
  },
};

const setKind: Command = {
  name: 'admin notifications set-kind',
  summary: 'Turn one kind of notification on or off, and set its e-mail recipients.',
  usage: `tether admin notifications set-kind KIND (--on | --off) [--recipients A,B] [--data-dir DIR]

KIND is one of: ${KINDS.join(', ')}.
Without --recipients the kind keeps its recipients.`,
  options: {
    ...dataDirOptions,
    on: { type: 'boolean' },
    off: { type: 'boolean' },
    recipients: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const [kind] = input.positionals;
    if (!isKind(kind)) throw new AppError('INVALID_INPUT', `Name a kind: ${KINDS.join(', ')}.`);
    if (input.values.on === input.values.off)
      throw new AppError('INVALID_INPUT', 'Give exactly one of --on or --off.');
    const given = stringOption(input, 'recipients');
    const view = await change(input, (before) => {
      const route = before.kinds[kind];
      const recipients =
        given === undefined
          ? (route?.recipients ?? [])
          : given
              .split(',')
              .map((address) => address.trim())
              .filter(Boolean);
      return {
        ...before,
        kinds: { ...before.kinds, [kind]: { enabled: input.values.on === true, recipients } },
      };
    });
    input.out(describe(view));
    return 0;
  },
};

const test: Command = {
  name: 'admin notifications test',
  summary: 'Send a test e-mail or webhook call now and print what the other side answered.',
  usage: `tether admin notifications test email ADDRESS [--data-dir DIR]
tether admin notifications test webhook ID [--data-dir DIR]

Uses the saved settings; sent from this machine, once, without retry. Exit code 1 when it failed.`,
  options: { ...dataDirOptions },
  allowPositionals: true,
  async run(input) {
    const [channel, target = ''] = input.positionals;
    let request: NotificationTestRequest;
    if (channel === 'email') request = { channel, to: target };
    else if (channel === 'webhook') request = { channel, webhookId: target };
    else throw new AppError('INVALID_INPUT', `Test "email ADDRESS" or "webhook ID".`);
    const result = await withNotifications(input, (service) => service.test(request, HEADLESS));
    input.out(`${result.ok ? 'Sent' : 'Failed'}: ${result.answer}`);
    return result.ok ? 0 : 1;
  },
};

/** `tether admin notifications …`: the notification settings without a browser (S-3, S-7). */
export const notificationCommands: Command[] = [
  show,
  setSmtp,
  addWebhook,
  removeWebhook,
  setKind,
  test,
];
