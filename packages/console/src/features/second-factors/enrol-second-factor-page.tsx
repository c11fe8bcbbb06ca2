import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { SecondFactorsCard } from './second-factors-card.js';

/**
 * Shown instead of the console to a user whose role requires a second factor they do not have
 * yet: the server refuses everything else (`SECOND_FACTOR_REQUIRED`) until they enrol one.
 *
 * @example
 * <EnrolSecondFactorPage onSignOut={signOut} />
 */
export function EnrolSecondFactorPage({ onSignOut }: { onSignOut: () => void }) {
  const { user, onUserChanged } = useConsole();
  // The server decides when the console opens: asked again once a factor was added.
  const recheck = useAction((api) => api.me(), { onDone: (reply) => onUserChanged(reply.user) });
  return (
    <main className="page page-enrol-second-factor" data-testid="enrol-second-factor">
      <h1>Add a second factor</h1>
      <Notice kind="info">
        {user.displayName || user.username}, your role ({user.role}) requires a second factor at
        sign-in. Add an authenticator app or a passkey to continue.
      </Notice>
      {recheck.error && <Notice kind="error">{recheck.error}</Notice>}
      <SecondFactorsCard onEnrolled={() => recheck.run()} />
      <p>
        <button type="button" className="button-link" onClick={onSignOut}>
          Sign out
        </button>
      </p>
    </main>
  );
}
