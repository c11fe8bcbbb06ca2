import type { User } from '@tether/protocol';
import { Link } from '../routing/link.js';
import type { Route } from '../routing/routes.js';

const sections: { href: string; label: string; pages: Route['page'][] }[] = [
  { href: '/devices', label: 'Devices', pages: ['devices', 'device', 'terminal'] },
  { href: '/recordings', label: 'Recordings', pages: ['recordings', 'player'] },
  { href: '/installers', label: 'Installers', pages: ['installers'] },
  { href: '/policies', label: 'Policies', pages: ['policies', 'new-policy', 'policy'] },
  { href: '/settings', label: 'Settings', pages: ['settings'] },
  { href: '/audit', label: 'Audit log', pages: ['audit'] },
];

/**
 * The top bar: sections, the signed-in technician, and Sign out.
 *
 * @example
 * <NavBar user={user} route={route} onSignOut={signOut} isSigningOut={false} />
 */
export function NavBar({
  user,
  route,
  onSignOut,
  isSigningOut,
}: {
  user: User;
  route: Route;
  onSignOut: () => void;
  isSigningOut: boolean;
}) {
  return (
    <nav className="nav-bar" aria-label="Main">
      <Link href="/devices" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Tether
      </Link>
      <ul className="nav-links">
        {sections.map((section) => (
          <li key={section.href}>
            <Link
              href={section.href}
              className={section.pages.includes(route.page) ? 'is-current' : undefined}
              aria-current={section.pages.includes(route.page) ? 'page' : undefined}
            >
              {section.label}
            </Link>
          </li>
        ))}
      </ul>
      <div className="nav-user">
        <span data-testid="signed-in-user" title={`Signed in as ${user.username} (${user.role})`}>
          {user.username}
          <span className="nav-role">{user.role}</span>
        </span>
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
