import type { LoginResponse } from '@tether/protocol';
import { Link } from '../routing/link.js';
import { HOME_PATH, ROUTES, type ConsoleRoute } from './routes.js';

/** The routes with a nav entry that the user's role may use (by its permissions, now). */
function entriesFor({ permissions }: LoginResponse): ConsoleRoute[] {
  return ROUTES.filter(
    (route) =>
      route.nav !== undefined &&
      (route.permission === undefined || permissions.includes(route.permission)),
  );
}

/**
 * The top bar: the sections the technician's role may use (from the route table), the
 * signed-in technician, and Sign out.
 *
 * @example
 * <NavBar session={session} route={route} onSignOut={signOut} isSigningOut={false} />
 */
export function NavBar({
  session,
  route,
  onSignOut,
  isSigningOut,
}: {
  session: LoginResponse;
  route: ConsoleRoute;
  onSignOut: () => void;
  isSigningOut: boolean;
}) {
  const { user, roleName } = session;
  return (
    <nav className="nav-bar" aria-label="Main">
      <Link href={HOME_PATH} className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Tether
      </Link>
      <ul className="nav-links">
        {entriesFor(session).map((entry) => {
          const isCurrent = entry.section !== undefined && entry.section === route.section;
          return (
            <li key={entry.path}>
              <Link
                href={entry.path}
                className={isCurrent ? 'is-current' : undefined}
                aria-current={isCurrent ? 'page' : undefined}
              >
                {entry.nav}
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="nav-user">
        <Link
          href="/account"
          className="nav-account"
          data-testid="signed-in-user"
          title={`Signed in as ${user.username} (${roleName}): my account`}
        >
          {user.displayName || user.username}
          <span className="nav-role" data-testid="signed-in-role">
            {roleName}
          </span>
        </Link>
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
    </nav>
  );
}
