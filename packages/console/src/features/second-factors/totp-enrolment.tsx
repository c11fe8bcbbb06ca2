import type { EnrolledFactor, TotpEnrolment } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { CopyButton } from '../../components/copy-button.js';
import { FormSubmit } from '../../components/form-submit.js';
import { QrCode } from '../../components/qr-code.js';
import { useAction } from '../../hooks/use-action.js';

/**
 * Adding an authenticator app: a QR code of its `otpauth://` link to scan, the secret (to type
 * in) and the link itself (a phone opens it in the app), then a code from the app to confirm.
 */
export function TotpEnrolmentForm({
  onEnrolled,
}: {
  onEnrolled: (result: EnrolledFactor) => void;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useAction((api) => api.startTotp(), { onDone: setEnrolment });
  const confirm = useAction((api) => api.confirmTotp(code.trim()), {
    onDone: (result) => {
      setEnrolment(null);
      setCode('');
      onEnrolled(result);
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    confirm.run();
  };

  if (!enrolment)
    return (
      <>
        {start.error && <p className="field-error">{start.error}</p>}
        <button
          type="button"
          className="button"
          disabled={start.isRunning}
          onClick={() => start.run()}
          data-testid="totp-start"
        >
          Add an authenticator app
        </button>
      </>
    );
  return (
    <form className="form-grid" onSubmit={onSubmit} data-testid="totp-enrolment">
      <p className="field-wide">
        Scan this code with your authenticator app, or add an account with the key below
        (time-based, 6 digits), or open the link on your phone:
      </p>
      <div className="field-wide">
        <QrCode text={enrolment.uri} label="QR code for your authenticator app" />
      </div>
      <div className="field-wide">
        <code data-testid="totp-secret">{enrolment.secret}</code>{' '}
        <CopyButton text={enrolment.secret} label="Copy key" />
      </div>
      <div className="field-wide">
        <a href={enrolment.uri} data-testid="totp-uri" className="break-all">
          {enrolment.uri}
        </a>
      </div>
      <label className="field">
        <span>Code from the app</span>
        <input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          maxLength={8}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          data-testid="totp-code"
        />
      </label>
      <FormSubmit
        action={confirm}
        label="Confirm"
        busyLabel="Checking…"
        disabled={code.trim() === ''}
        testId="totp-confirm"
      />
    </form>
  );
}
