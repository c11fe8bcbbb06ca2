import type { LoginResponse } from '@tether/protocol';
import { Fragment, useEffect } from 'react';
import { NavUser } from '../../components/nav-user.js';
import { Link } from '../../routing/link.js';
import { normalizePath } from '../../routing/match-path.js';
import { usePathname } from '../../routing/navigation.js';
import { ADMIN_ROOT, adminSectionPath } from './admin-path.js';
import { ADMIN_SECTIONS, type AdminSection } from './admin-sections.js';

/**
 * The section of a location: `/conf` is the first one, `/conf/<name>` the named one; undefined
 * for any other path under `/conf`.
 */
function sectionAt(pathname: string): AdminSection | undefined {
  const path = normalizePath(pathname);
  if (path === ADMIN_ROOT) return ADMIN_SECTIONS[0];
  return ADMIN_SECTIONS.find((section) => adminSectionPath(section.name) === path);
}

/**
 * The signed-in admin console on the admin listener (S-2): a nav of the admin sections
 * (`ADMIN_SECTIONS`, in their order) and the section of the location.
 *
 * @example
 * <AdminShell session={session} onSignOut={signOut} isSigningOut={false} />
 */
export function AdminShell({
  session,
  onSignOut,
  isSigningOut,
}: {
  session: LoginResponse;
  onSignOut: () => void;
  isSigningOut: boolean;
}) {
  const pathname = usePathname();
  const current = sectionAt(pathname);
  const title = current?.label ?? 'Page not found';

  useEffect(() => {
    document.title = `${title} · Tether administration`;
  }, [title]);

  return (
    <>
      <nav className="nav-bar nav-bar-admin" aria-label="Administration">
        <Link href={ADMIN_ROOT} className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Tether administration
        </Link>
        <NavUser session={session} onSignOut={onSignOut} isSigningOut={isSigningOut} />
      </nav>
      {/* A column of sections: there are too many for one line of the top bar. */}
      <div className="admin-layout">
        <nav className="admin-sidebar" aria-label="Settings">
          <ul>
            {ADMIN_SECTIONS.map((section) => {
              const isCurrent = section === current;
              return (
                <li key={section.name}>
                  <Link
                    href={adminSectionPath(section.name)}
                    className={isCurrent ? 'is-current' : undefined}
                    aria-current={isCurrent ? 'page' : undefined}
                    data-testid={`admin-nav-${section.name}`}
                  >
                    {section.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main className={`page page-admin admin-${current?.name ?? 'not-found'}`}>
          {current ? (
            // Keyed on the section, so that moving between two starts each fresh.
            <Fragment key={current.name}>{current.render()}</Fragment>
          ) : (
            <>
              <h1>Page not found</h1>
              <p>
                There is no admin page at <code>{pathname}</code>.{' '}
                <Link href={ADMIN_ROOT}>Go to the server status</Link>.
              </p>
            </>
          )}
        </main>
      </div>
    </>
  );
}
