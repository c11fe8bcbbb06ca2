import {
  NotificationKind,
  notificationEndpoints,
  SmtpSecurity,
  type NotificationSettingsView,
} from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { TextField } from '../sign-in/text-field.js';
import { NotificationDeliveryLog } from './notification-deliveries.js';
import { NotificationTestPanel } from './notification-test-panel.js';
import {
  DEFAULT_PORTS,
  draftOf,
  KIND_LABELS,
  requestOf,
  type NotificationDraft,
} from './notification-draft.js';

const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: 'STARTTLS (port 587): required, never falls back to clear text',
  tls: 'TLS from the start (port 465)',
  none: 'None (a relay on this host only)',
};

type Change = (change: (draft: NotificationDraft) => NotificationDraft) => void;

function SmtpFields({ draft, change }: { draft: NotificationDraft; change: Change }) {
  const { smtp } = draft;
  const set = (fields: Partial<NotificationDraft['smtp']>) =>
    change((before) => ({ ...before, smtp: { ...before.smtp, ...fields } }));
  return (
    <fieldset className="form-grid field-wide" data-testid="notification-smtp">
      <legend>E-mail (SMTP relay)</legend>
      <Checkbox
        isWide
        checked={draft.hasSmtp}
        onChange={(hasSmtp) => change((before) => ({ ...before, hasSmtp }))}
        testId="smtp-enabled"
      >
        Send e-mail through an SMTP relay
      </Checkbox>
      {draft.hasSmtp && (
        <>
          <TextField
            label="Host"
            value={smtp.host}
            onChange={(host) => set({ host })}
            testId="smtp-host"
          />
          <TextField
            label="Port"
            type="number"
            value={smtp.port}
            onChange={(port) => set({ port })}
            testId="smtp-port"
          />
          <label className="field field-wide">
            <span>Security</span>
            <select
              value={smtp.security}
              onChange={(event) => {
                const security = SmtpSecurity.parse(event.target.value);
                set({ security, port: String(DEFAULT_PORTS[security]) });
              }}
              data-testid="smtp-security"
            >
              {SmtpSecurity.options.map((option) => (
                <option key={option} value={option}>
                  {SECURITY_LABELS[option]}
                </option>
              ))}
            </select>
          </label>
          <TextField
            label="User name (empty: no authentication)"
            value={smtp.username}
            onChange={(username) => set({ username })}
            testId="smtp-username"
          />
          <TextField
            label="Password"
            type="password"
            value={smtp.password}
            onChange={(password) => set({ password })}
            placeholder={smtp.passwordSet ? 'Set — leave empty to keep it' : ''}
            testId="smtp-password"
          />
          <TextField
            label="From address"
            value={smtp.from}
            onChange={(from) => set({ from })}
            placeholder="tether@example.com"
            testId="smtp-from"
          />
          <Checkbox
            checked={smtp.allowUntrustedCertificate}
            onChange={(allowUntrustedCertificate) => set({ allowUntrustedCertificate })}
            testId="smtp-untrusted"
          >
            Accept a self-signed relay certificate (still encrypted)
          </Checkbox>
        </>
      )}
    </fieldset>
  );
}

function WebhookFields({ draft, change }: { draft: NotificationDraft; change: Change }) {
  const set = (index: number, fields: Partial<NotificationDraft['webhooks'][number]>) =>
    change((before) => ({
      ...before,
      webhooks: before.webhooks.map((webhook, at) =>
        at === index ? { ...webhook, ...fields } : webhook,
      ),
    }));
  return (
    <fieldset className="form-grid field-wide" data-testid="notification-webhooks">
      <legend>Webhooks</legend>
      <p className="muted field-wide">
        Each event is POSTed as JSON with <code>X-Tether-Timestamp</code> and{' '}
        <code>X-Tether-Signature: sha256=HMAC(secret, timestamp + "." + body)</code>; receivers
        refuse calls older than five minutes.
      </p>
      {draft.webhooks.map((webhook, index) => (
        <div key={index} className="form-grid field-wide card" data-testid={`webhook-${index}`}>
          <TextField
            label="Name (id)"
            value={webhook.id}
            onChange={(id) => set(index, { id })}
            testId={`webhook-id-${index}`}
          />
          <TextField
            label="URL"
            value={webhook.url}
            onChange={(url) => set(index, { url })}
            testId={`webhook-url-${index}`}
          />
          <TextField
            label="Signing secret"
            type="password"
            value={webhook.secret}
            onChange={(secret) => set(index, { secret })}
            placeholder={webhook.secretSet ? 'Set — leave empty to keep it' : 'Required'}
            testId={`webhook-secret-${index}`}
          />
          <fieldset className="checkboxes field-wide">
            <legend>Events it receives</legend>
            {NotificationKind.options.map((kind) => (
              <Checkbox
                key={kind}
                checked={webhook.kinds.includes(kind)}
                onChange={(isOn) =>
                  set(index, {
                    kinds: isOn
                      ? [...webhook.kinds, kind]
                      : webhook.kinds.filter((other) => other !== kind),
                  })
                }
                testId={`webhook-${index}-kind-${kind}`}
              >
                {KIND_LABELS[kind]}
              </Checkbox>
            ))}
          </fieldset>
          <button
            type="button"
            className="button button-small button-danger"
            onClick={() =>
              change((before) => ({
                ...before,
                webhooks: before.webhooks.filter((_, at) => at !== index),
              }))
            }
            data-testid={`webhook-remove-${index}`}
          >
            Remove webhook
          </button>
        </div>
      ))}
      <button
        type="button"
        className="button button-small"
        onClick={() =>
          change((before) => ({
            ...before,
            webhooks: [
              ...before.webhooks,
              {
                id: '',
                url: '',
                secret: '',
                secretSet: false,
                kinds: [...NotificationKind.options],
              },
            ],
          }))
        }
        data-testid="webhook-add"
      >
        Add a webhook
      </button>
    </fieldset>
  );
}

function KindFields({ draft, change }: { draft: NotificationDraft; change: Change }) {
  const set = (
    kind: NotificationKind,
    fields: Partial<NotificationDraft['kinds'][NotificationKind]>,
  ) =>
    change((before) => ({
      ...before,
      kinds: { ...before.kinds, [kind]: { ...before.kinds[kind], ...fields } },
    }));
  return (
    <fieldset className="form-grid field-wide" data-testid="notification-kinds">
      <legend>Events and their e-mail recipients</legend>
      {NotificationKind.options.map((kind) => (
        <div key={kind} className="form-grid field-wide">
          <Checkbox
            checked={draft.kinds[kind].enabled}
            onChange={(enabled) => set(kind, { enabled })}
            testId={`kind-enabled-${kind}`}
          >
            {KIND_LABELS[kind]}
          </Checkbox>
          <TextField
            label="Recipients (comma-separated)"
            value={draft.kinds[kind].recipients}
            onChange={(recipients) => set(kind, { recipients })}
            placeholder="ops@example.com"
            testId={`kind-recipients-${kind}`}
          />
        </div>
      ))}
    </fieldset>
  );
}

function SettingsForm({
  view,
  onSaved,
}: {
  view: NotificationSettingsView;
  onSaved: (view: NotificationSettingsView) => void;
}) {
  const { can } = useConsole();
  const [draft, setDraft] = useState(() => draftOf(view));
  const [isSaved, setSaved] = useState(false);
  const change: Change = (update) => {
    setSaved(false);
    setDraft(update);
  };
  const save = useAction((api) => api.call(notificationEndpoints.set, { body: requestOf(draft) }), {
    onDone: (saved) => {
      setDraft(draftOf(saved));
      setSaved(true);
      onSaved(saved);
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="notification-form">
      <SmtpFields draft={draft} change={change} />
      <WebhookFields draft={draft} change={change} />
      <KindFields draft={draft} change={change} />
      {save.error && (
        <div className="field-wide" data-testid="notification-error">
          <Notice kind="error" onDismiss={save.clearError}>
            {save.error}
          </Notice>
        </div>
      )}
      {isSaved && (
        <div className="field-wide">
          <Notice kind="success">Saved. The next notification uses these settings.</Notice>
        </div>
      )}
      <div className="field-wide">
        {view.source === 'config file' ? (
          <Notice kind="info">
            These settings are in the server config file (<code>notifications</code>); change them
            there.
          </Notice>
        ) : can('settings.manage') ? (
          <button
            type="submit"
            className="button button-primary"
            disabled={save.isRunning}
            data-testid="notification-save"
          >
            {save.isRunning ? 'Saving…' : 'Save'}
          </button>
        ) : (
          <NotAllowed permission="settings.manage" />
        )}
      </div>
    </form>
  );
}

/**
 * Notifications (S-7): the SMTP relay, signed webhooks, which events go to whom, a test per
 * channel, and the recent deliveries with their failures. Also `tether admin notifications`.
 *
 * @example
 * <NotificationsSection />
 */
export function NotificationsSection() {
  const [settings, reload, replace] = useLoad((api) => api.call(notificationEndpoints.get, {}), []);
  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle="E-mail and webhooks for what administrators must hear about: server errors, failing uploads, expiring certificates, sign-ins from new addresses."
      />
      <Loaded load={settings} onRetry={reload}>
        {(view) => (
          <>
            <SettingsForm view={view} onSaved={replace} />
            <NotificationTestPanel view={view} />
          </>
        )}
      </Loaded>
      <NotificationDeliveryLog />
    </>
  );
}
