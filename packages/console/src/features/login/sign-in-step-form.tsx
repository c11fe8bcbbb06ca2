import type {
  ContinueSignInRequest,
  LoginResponse,
  SignInMethod,
  SignInResponse,
  SignInStep,
} from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { describeError } from '../../format/describe-error.js';
import { signWithPasskey } from '../second-factors/webauthn.js';

/** The browser's refusal (cancelled, timed out, no matching passkey) in the user's words. */
function describePasskeyFailure(failure: unknown): string {
  const detail = failure instanceof Error ? ` (${failure.message})` : '';
  return `The passkey was not used${detail}. Try again, or answer with a code.`;
}

/** What the code field is called for each way of answering a step. */
const CODE_LABELS: Partial<Record<SignInMethod, string>> = {
  totp: 'Code from your authenticator app',
  'recovery-code': 'Recovery code',
  code: 'Code',
};

/**
 * The second half of a sign-in: the step the server asked for (a second factor, a directory's
 * challenge), answered with a passkey or a code. A further step replaces this one; "Start over" goes back to
 * the password.
 *
 * @example
 * <SignInStepForm api={api} step={step} onSignedIn={setUser} onNextStep={setStep} onRestart={() => setStep(null)} />
 */
export function SignInStepForm({
  api,
  step,
  onSignedIn,
  onNextStep,
  onRestart,
}: {
  api: TetherClient;
  step: SignInStep;
  onSignedIn: (session: LoginResponse) => void;
  onNextStep: (step: SignInStep) => void;
  onRestart: () => void;
}) {
  const codeMethods = step.methods.filter((method) => method in CODE_LABELS);
  const [method, setMethod] = useState<SignInMethod | undefined>(codeMethods[0]);
  const [code, setCode] = useState('');
  const [isSubmitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const settle = (reply: SignInResponse) => {
    if (!('step' in reply)) onSignedIn(reply);
    else {
      setSubmitting(false);
      setCode('');
      onNextStep(reply.step);
    }
  };

  const answer = (request: Omit<ContinueSignInRequest, 'ticket'>) => {
    setSubmitting(true);
    setError(null);
    api.continueLogin({ ticket: step.ticket, ...request }).then(settle, (failure: unknown) => {
      setSubmitting(false);
      setCode('');
      setError(describeError(failure));
    });
  };

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (method) answer({ method, code: code.trim() });
  };

  const { passkey } = step;
  const onPasskey = () => {
    if (!passkey) return;
    setError(null);
    signWithPasskey(passkey).then(
      (response) => answer({ method: 'passkey', passkey: response }),
      (failure: unknown) => setError(describePasskeyFailure(failure)),
    );
  };

  return (
    <form className="login-card" onSubmit={onSubmit} data-testid="sign-in-step">
      <div className="login-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>Tether</span>
      </div>
      <h1>{step.kind === 'second-factor' ? 'Second factor' : 'One more step'}</h1>
      <p data-testid="sign-in-step-message">{step.message}</p>
      {error && (
        <div data-testid="sign-in-step-error">
          <Notice kind="error">{error}</Notice>
        </div>
      )}
      {passkey && step.methods.includes('passkey') && (
        <button
          type="button"
          className="button button-primary button-wide"
          disabled={isSubmitting}
          onClick={onPasskey}
          data-testid="sign-in-passkey"
        >
          Use a passkey
        </button>
      )}
      {passkey && method && <p className="muted">or enter a code:</p>}
      {codeMethods.length > 1 && (
        <div className="segmented" role="group" aria-label="How to answer">
          {codeMethods.map((choice) => (
            <button
              key={choice}
              type="button"
              className={method === choice ? 'is-selected' : undefined}
              aria-pressed={method === choice}
              onClick={() => setMethod(choice)}
              data-testid={`sign-in-method-${choice}`}
            >
              {CODE_LABELS[choice]}
            </button>
          ))}
        </div>
      )}
      {method && (
        <>
          <label className="field">
            <span>{CODE_LABELS[method]}</span>
            <input
              name="code"
              autoComplete="one-time-code"
              autoFocus={!passkey}
              required
              maxLength={256}
              value={code}
              onChange={(event) => setCode(event.target.value)}
              data-testid="sign-in-step-code"
            />
          </label>
          <button
            type="submit"
            className="button button-primary button-wide"
            disabled={isSubmitting || code.trim() === ''}
            data-testid="sign-in-step-submit"
          >
            {isSubmitting ? 'Checking…' : 'Continue'}
          </button>
        </>
      )}
      <button type="button" className="button button-link" onClick={onRestart}>
        Start over
      </button>
    </form>
  );
}
