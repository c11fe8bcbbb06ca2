import type { User } from '@tether/protocol';
import { useMemo } from 'react';
import { SignInList, type SignInCalls } from '../account/sign-in-list.js';

/**
 * An administrator's view of where a user is signed in, on the user's panel: sign them out of
 * one sign-in or everywhere (an administrator's own current sign-in stays).
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
      <button type="button" className="button button-small" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
