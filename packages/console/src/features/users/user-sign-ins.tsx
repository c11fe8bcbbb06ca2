import type { User } from '@tether/protocol';
import { useMemo, useState } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { SignInList, type SignInCalls } from '../account/sign-in-list.js';

/**
 * Clearing the delays failed sign-ins put on a user: when someone guessed their password, the
 * user is slowed down too, or, past the account's ceiling, held off from new addresses.
 */
function SignInDelays({ user }: { user: User }) {
  const [isCleared, setCleared] = useState(false);
  const clear = useAction((api) => api.clearUserSignInDelays(user.id), {
    onDone: () => setCleared(true),
  });
  return (
    <div className="form-grid" data-testid="user-sign-in-delays">
      <p className="muted field-wide">
        Failed sign-ins slow further attempts for {user.username}, and past 100 failures an hour
        only addresses they signed in from before are let in. If they are held off after someone
        guessed at their password, clear the delays (and consider resetting the password).
      </p>
      {isCleared && (
        <div className="field-wide">
          <Notice kind="success">Sign-in delays for {user.username} cleared.</Notice>
        </div>
      )}
      {clear.error && (
        <div className="field-wide">
          <Notice kind="error">{clear.error}</Notice>
        </div>
      )}
      <button
        type="button"
        className="button button-small"
        disabled={clear.isRunning}
        onClick={() => clear.run()}
        data-testid="user-clear-sign-in-delays"
      >
        Clear sign-in delays
      </button>
    </div>
  );
}

/**
 * An administrator's view of where a user is signed in, on the user's panel: sign them out of
 * one sign-in or everywhere (an administrator's own current sign-in stays), and clear the delays
 * failed sign-ins put on them.
 *
 * @example
 * <UserSignIns user={user} onClose={() => setPanel('none')} />
 */
export function UserSignIns({ user, onClose }: { user: User; onClose: () => void }) {
  const calls = useMemo<SignInCalls>(
    () => ({
      list: (api) => api.listUserSignIns(user.id),
      end: (api, signInId) => api.endUserSignIn(user.id, signInId),
      endAll: (api) => api.signOutUserEverywhere(user.id),
    }),
    [user.id],
  );
  return (
    <div data-testid="user-sign-ins-panel">
      <h3>Where {user.username} is signed in</h3>
      <SignInList calls={calls} subject={`${user.username} is`} endAllLabel="Sign out everywhere" />
      <h3>Sign-in delays</h3>
      <SignInDelays user={user} />
      <button type="button" className="button button-small" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
