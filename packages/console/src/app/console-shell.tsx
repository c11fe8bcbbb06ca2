import type { LoginResponse } from '@tether/protocol';
import { Fragment, useEffect } from 'react';
import { navigate, usePathname } from '../routing/navigation.js';
import { NavBar } from './nav-bar.js';
import { HOME_PATH, resolveRoute } from './routes.js';

/**
 * The signed-in console on the user listener: the nav bar and the page of the location.
 *
 * @example
 * <ConsoleShell session={session} onSignOut={signOut} isSigningOut={false} />
 */
export function ConsoleShell({
  session,
  onSignOut,
  isSigningOut,
}: {
  session: LoginResponse;
  onSignOut: () => void;
  isSigningOut: boolean;
}) {
  const { route, params, path } = resolveRoute(usePathname());

  useEffect(() => {
    if (route.name === 'login') navigate(HOME_PATH, { replace: true });
  }, [route.name]);

  useEffect(() => {
    document.title = `${route.title} · Tether`;
  }, [route.title]);

  return (
    <>
      <NavBar session={session} route={route} onSignOut={onSignOut} isSigningOut={isSigningOut} />
      <main className={`page page-${route.name}`}>
        {/* Keyed on the path, so that moving between two devices starts each page fresh. */}
        <Fragment key={path}>{route.render(params)}</Fragment>
      </main>
    </>
  );
}
