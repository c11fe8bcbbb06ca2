/**
 * The Settings page's "Sign-in" card: directories, single sign-on and the second-factor
 * requirement are set in the admin interface (issue 12), not here. The console does not know the
 * admin listener's port, so it names the default.
 */
export function SignInSettingsLinks() {
  const example = `https://${window.location.hostname}:7615/conf`;
  return (
    <section className="card" data-testid="sign-in-settings">
      <h2>Sign-in</h2>
      <p>
        Directories (LDAP, Active Directory, RADIUS), single sign-on (OpenID Connect, SAML 2.0) and
        which roles require a second factor are set in the admin interface: port 7615 unless
        changed, path /conf (e.g. <code data-testid="admin-interface-url">{example}</code>),
        reachable from the server itself and its trusted networks.
      </p>
    </section>
  );
}
