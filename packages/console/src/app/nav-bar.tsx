import type { LoginResponse } from '@tether/protocol';
import { NavUser } from '../components/nav-user.js';
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
      <NavUser
        session={session}
        accountHref="/account"
        onSignOut={onSignOut}
        isSigningOut={isSigningOut}
      />
    </nav>
  );
}
