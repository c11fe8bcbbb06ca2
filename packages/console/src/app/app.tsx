import type { LoginResponse, User } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Notice } from '../components/notice.js';
import { describeError, isSignedOut } from '../format/describe-error.js';
import { EnrolSecondFactorPage } from '../features/second-factors/enrol-second-factor-page.js';
import { ChangePasswordPage } from '../features/account/change-password-page.js';
import { LoginPage } from '../features/login/login-page.js';
import { navigate } from '../routing/navigation.js';
import { AdminShell } from '../features/admin/admin-shell.js';
import { ADMIN_ROOT } from '../features/admin/admin-path.js';
import { ConsoleContextValue, permits, type ConsoleContext } from '../api/console-context.js';
import { ConsoleShell } from './console-shell.js';

type Auth =
  | { state: 'checking' }
  | { state: 'unreachable'; message: string }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; session: LoginResponse };

/**
 * The console: checks the login, then shows the sign-in page or the signed-in shell. The same
 * app is the admin console (`isAdminConsole`, on the admin listener at `/conf`): the same
 * sign-in, then the admin sections instead of the console's pages.
 *
 * @example
 * createRoot(element).render(<App api={createTetherClient()} />);
 */
export function App({
  api,
  isAdminConsole = false,
}: {
  api: TetherClient;
  isAdminConsole?: boolean;
}) {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const [attempt, setAttempt] = useState(0);
  const [isSigningOut, setSigningOut] = useState(false);

  useEffect(() => {
    let isCurrent = true;
    api.me().then(
      (session) => isCurrent && setAuth({ state: 'signed-in', session }),
      (error: unknown) => {
        if (!isCurrent) return;
        if (isSignedOut(error)) setAuth({ state: 'signed-out' });
        else setAuth({ state: 'unreachable', message: describeError(error) });
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [api, attempt]);

  // Signed in, each shell names the page in the title.
  useEffect(() => {
    if (auth.state !== 'signed-in')
      document.title = isAdminConsole ? 'Tether administration' : 'Tether console';
  }, [auth.state, isAdminConsole]);

  const onSignedOut = useCallback(
    () =>
      setAuth({
        state: 'signed-out',
        notice: 'Your sign-in has expired. Sign in again to continue.',
      }),
    [],
  );
  const signOut = useCallback(() => {
    setSigningOut(true);
    api
      .logout()
      .catch((error: unknown) => {
        // Already signed out on the server is the outcome we wanted; anything else is shown.
        if (!isSignedOut(error)) window.alert(describeError(error));
      })
      .finally(() => {
        setSigningOut(false);
        setAuth({ state: 'signed-out' });
        navigate(isAdminConsole ? ADMIN_ROOT : '/login');
      });
  }, [api, isAdminConsole]);

  // A change of the user's own account keeps their role: only the user changes.
  const onUserChanged = useCallback(
    (user: User) =>
      setAuth((current) =>
        current.state === 'signed-in'
          ? { state: 'signed-in', session: { ...current.session, user } }
          : current,
      ),
    [],
  );
  // A second factor may be the next thing the server requires: it says so in `me`.
  const onPasswordChanged = useCallback(
    (user: User) => {
      api.me().then(
        (reply) => onUserChanged(reply.user),
        () => onUserChanged(user),
      );
    },
    [api, onUserChanged],
  );
  const context = useMemo<ConsoleContext | null>(
    () =>
      auth.state === 'signed-in'
        ? { api, ...auth.session, can: permits(auth.session), onSignedOut, onUserChanged }
        : null,
    [api, auth, onSignedOut, onUserChanged],
  );

  switch (auth.state) {
    case 'checking':
      return <p className="boot muted">Loading the Tether console…</p>;
    case 'unreachable':
      return (
        <main className="boot">
          <Notice kind="error">
            {auth.message}{' '}
            <button type="button" className="button-link" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </Notice>
        </main>
      );
    case 'signed-out':
      return (
        <LoginPage
          api={api}
          notice={auth.notice}
          isAdminConsole={isAdminConsole}
          onSignedIn={(session) => setAuth({ state: 'signed-in', session })}
        />
      );
    case 'signed-in':
      // The server refuses everything else until then (PASSWORD_CHANGE_REQUIRED).
      if (auth.session.user.mustChangePassword)
        return (
          <ChangePasswordPage
            api={api}
            user={auth.session.user}
            onChanged={onPasswordChanged}
            onSignOut={signOut}
          />
        );
      if (auth.session.user.mustEnrolSecondFactor && isAdminConsole)
        return <EnrolInConsoleFirst onSignOut={signOut} />;
      if (auth.session.user.mustEnrolSecondFactor)
        return (
          <ConsoleContextValue.Provider value={context}>
            <EnrolSecondFactorPage onSignOut={signOut} />
          </ConsoleContextValue.Provider>
        );
      return (
        <ConsoleContextValue.Provider value={context}>
          {isAdminConsole ? (
            <AdminShell session={auth.session} onSignOut={signOut} isSigningOut={isSigningOut} />
          ) : (
            <ConsoleShell session={auth.session} onSignOut={signOut} isSigningOut={isSigningOut} />
          )}
        </ConsoleContextValue.Provider>
      );
  }
}

/**
 * The admin console to a user whose role requires a second factor they have not enrolled: the
 * enrolment (passkeys are bound to the console's origin) is in the console, not here.
 */
function EnrolInConsoleFirst({ onSignOut }: { onSignOut: () => void }) {
  return (
    <main className="login">
      <div className="login-card" data-testid="enrol-in-console">
        <h1>Add a second factor first</h1>
        <Notice kind="info">
          Your role requires a second factor at sign-in. Add an authenticator app or a passkey on My
          account in the Tether console (the console URL, not this admin port), then sign in here
          again.
        </Notice>
        <button type="button" className="button-link" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </main>
  );
}
