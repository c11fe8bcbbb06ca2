import {
  notificationEndpoints,
  type NotificationSettingsView,
  type NotificationTestRequest,
  type NotificationTestResult,
} from '@tether/protocol';
import { useState } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { TextField } from '../sign-in/text-field.js';

/** "Send test" per channel, with what the relay or the receiver answered. */
export function NotificationTestPanel({ view }: { view: NotificationSettingsView }) {
  const [to, setTo] = useState('');
  const [result, setResult] = useState<NotificationTestResult | null>(null);
  const test = useAction(
    (api, request: NotificationTestRequest) =>
      api.call(notificationEndpoints.test, { body: request }),
    {
      onDone: setResult,
    },
  );
  const send = (request: NotificationTestRequest) => {
    setResult(null);
    test.run(request);
  };
  return (
    <section className="card form-grid" data-testid="notification-test">
      <h2 className="field-wide">Send a test</h2>
      <p className="muted field-wide">Uses the saved settings; save your changes first.</p>
      <TextField
        label="Test e-mail to"
        value={to}
        onChange={setTo}
        placeholder="you@example.com"
        testId="test-email-to"
      />
      <div className="row-actions">
        <button
          type="button"
          className="button"
          disabled={test.isRunning || !view.smtp || to.trim() === ''}
          onClick={() => send({ channel: 'email', to: to.trim() })}
          data-testid="test-email"
        >
          Send test e-mail
        </button>
        {view.webhooks.map((webhook) => (
          <button
            key={webhook.id}
            type="button"
            className="button"
            disabled={test.isRunning}
            onClick={() => send({ channel: 'webhook', webhookId: webhook.id })}
            data-testid={`test-webhook-${webhook.id}`}
          >
            Test webhook {webhook.id}
          </button>
        ))}
      </div>
      {test.isRunning && <p className="muted field-wide">Sending…</p>}
      {test.error && (
        <div className="field-wide">
          <Notice kind="error" onDismiss={test.clearError}>
            {test.error}
          </Notice>
        </div>
      )}
      {result && (
        <div className="field-wide" data-testid="test-result">
          <Notice kind={result.ok ? 'success' : 'error'}>
            {result.ok ? 'Sent. ' : 'Failed. '}The other side answered:{' '}
            <span className="mono">{result.answer}</span>
          </Notice>
        </div>
      )}
    </section>
  );
}
