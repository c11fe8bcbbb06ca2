import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useLoad } from '../../hooks/use-load.js';

/**
 * What the server saw in a test sign-in at a provider (nobody was signed in): the claims or
 * attributes, the user they name, their groups and the role and teams the mapping gives.
 *
 * @example
 * <SsoTestResult testId={new URLSearchParams(search).get('test') ?? ''} />
 */
export function SsoTestResult({ testId }: { testId: string }) {
  const [result, reload] = useLoad((api) => api.getSsoTestResult(testId), [testId]);
  return (
    <Loaded load={result} onRetry={reload}>
      {(seen) => (
        <section className="card" data-testid="sso-test-result">
          <h2>
            Test of {seen.providerId} ({seen.kind === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'})
          </h2>
          <p className="muted">What the server saw. Nobody was signed in.</p>
          {seen.error && <Notice kind="error">{seen.error}</Notice>}
          {seen.identity && (
            <dl>
              <dt>Username</dt>
              <dd data-testid="sso-test-username">{seen.identity.username}</dd>
              <dt>Display name</dt>
              <dd>{seen.identity.displayName ?? '—'}</dd>
              <dt>Groups</dt>
              <dd data-testid="sso-test-groups">{seen.identity.groups.join(', ') || 'none'}</dd>
              <dt>Mapped to</dt>
              <dd data-testid="sso-test-mapped">
                {seen.mapped
                  ? `${seen.mapped.role}${seen.mapped.teams.length > 0 ? `, teams ${seen.mapped.teams.join(', ')}` : ''}`
                  : 'not mapped: this user would be refused'}
              </dd>
            </dl>
          )}
          {seen.received && (
            <>
              <h3>Received from the provider</h3>
              <pre data-testid="sso-test-received">{JSON.stringify(seen.received, null, 2)}</pre>
            </>
          )}
        </section>
      )}
    </Loaded>
  );
}
