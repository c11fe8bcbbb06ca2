import { AppError, type LoginResponse, type SignInStep } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { describeError, describeWait } from '../../format/describe-error.js';
import { SsoButtons } from '../sign-in/sso-buttons.js';
import { SignInStepForm } from './sign-in-step-form.js';

function retryAfterMs(error: unknown): number {
  if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED') return 0;
  const seconds = error.details?.retryAfterSec;
  return typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : 0;
}

/** Seconds left until `until` (ms), ticking every second; 0 once it has passed. */
function useCountdown(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * The sign-in form. Shows the server's reason for a refusal; after too many attempts it counts
 * down the wait and keeps the button disabled until then.
 *
 * @example
 * <LoginPage api={api} onSignedIn={(session) => setSession(session)} />
 */
export function LoginPage({
  api,
  notice,
  isAdminConsole = false,
  onSignedIn,
}: {
  api: TetherClient;
  notice?: string | undefined;
  /**
   * On the admin listener: the heading says so, and single sign-on (whose providers return to
   * the console URL) is not offered.
   */
  isAdminConsole?: boolean;
  onSignedIn: (session: LoginResponse) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [isSubmitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ message: string; isRateLimited: boolean } | null>(null);
  const [blockedUntil, setBlockedUntil] = useState(0);
  const [step, setStep] = useState<SignInStep | null>(null);
  // The one source of the wait: both the message and the button count down from it.
  const waitSec = useCountdown(blockedUntil);

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    api.login({ username: username.trim(), password }).then(
      (reply) => {
        if (!('step' in reply)) return onSignedIn(reply);
        setSubmitting(false);
        setPassword('');
        setStep(reply.step);
      },
      (failure: unknown) => {
        setSubmitting(false);
        setPassword('');
        const wait = retryAfterMs(failure);
        setError({ message: describeError(failure), isRateLimited: wait > 0 });
        if (wait > 0) setBlockedUntil(Date.now() + wait);
      },
    );
  };

  if (step) {
    return (
      <main className="login">
        <SignInStepForm
          api={api}
          step={step}
          onSignedIn={onSignedIn}
          onNextStep={setStep}
          onRestart={() => setStep(null)}
        />
      </main>
    );
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={onSubmit} data-testid="login-form" noValidate={false}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>Tether</span>
        </div>
        <h1>{isAdminConsole ? 'Sign in to the server administration' : 'Sign in'}</h1>
        {notice && !error && <Notice kind="info">{notice}</Notice>}
        {error && (
          <div data-testid="login-error">
            <Notice kind="error">
              {error.isRateLimited ? describeWait(error.message, waitSec) : error.message}
            </Notice>
          </div>
        )}
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            maxLength={128}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            data-testid="login-username"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={1024}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="login-password"
          />
        </label>
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={isSubmitting || waitSec > 0 || username.trim() === '' || password === ''}
          data-testid="login-submit"
        >
          {isSubmitting ? 'Signing in…' : waitSec > 0 ? `Wait ${waitSec} s` : 'Sign in'}
        </button>
        {!isAdminConsole && <SsoButtons api={api} />}
        <p className="login-help muted">
          Forgot the administrator password? On the server, run{' '}
          <code>tether admin reset-password</code>.
        </p>
      </form>
    </main>
  );
}
