import type { LoginResponse } from '@tether/protocol';
import { Link } from '../routing/link.js';

/**
 * The right end of a top bar: who is signed in (with their role), and Sign out. With
 * `accountHref` the name opens the user's account page; the admin console has none.
 *
 * @example
 * <NavUser session={session} accountHref="/account" onSignOut={signOut} isSigningOut={false} />
 */
export function NavUser({
  session,
  accountHref,
  onSignOut,
  isSigningOut,
}: {
  session: LoginResponse;
  accountHref?: string;
  onSignOut: () => void;
  isSigningOut: boolean;
}) {
  const { user, roleName } = session;
  const title = `Signed in as ${user.username} (${roleName})`;
  const name = (
    <>
      {user.displayName || user.username}
      <span className="nav-role" data-testid="signed-in-role">
        {roleName}
      </span>
    </>
  );
  return (
    <div className="nav-user">
      {accountHref === undefined ? (
        <span className="nav-account" data-testid="signed-in-user" title={title}>
          {name}
        </span>
      ) : (
        <Link
          href={accountHref}
          className="nav-account"
          data-testid="signed-in-user"
          title={`${title}: my account`}
        >
          {name}
        </Link>
      )}
      <button
        type="button"
        className="button button-small button-quiet"
        onClick={onSignOut}
        disabled={isSigningOut}
        data-testid="sign-out"
      >
        Sign out
      </button>
    </div>
  );
}
