import { Link } from '../../routing/link.js';

/** The Settings page's "Sign-in" card: where each way of signing in is configured. */
export function SignInSettingsLinks() {
  return (
    <section className="card" data-testid="sign-in-settings">
      <h2>Sign-in</h2>
      <ul>
        <li>
          <Link href="/settings/sign-in/directories" data-testid="settings-directories">
            Directories (LDAP, Active Directory, RADIUS)
          </Link>
        </li>
        <li>
          <Link href="/settings/sign-in/sso" data-testid="sign-in-sso-link">
            Single sign-on (OpenID Connect, SAML 2.0)
          </Link>
        </li>
      </ul>
    </section>
  );
}
