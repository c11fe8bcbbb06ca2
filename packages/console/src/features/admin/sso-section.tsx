import type { SaveSsoProviderRequest, SsoProviderEntry } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { CopyButton } from '../../components/copy-button.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { navigate, useSearch } from '../../routing/navigation.js';
import { SsoProviderForm } from '../sign-in/sso-provider-form.js';
import { SsoTestResult } from '../sign-in/sso-test-result.js';

type Editing = { kind: SaveSsoProviderRequest['kind']; entry?: SsoProviderEntry } | null;

/** What the provider's administrator enters on their side: our URLs. */
function ServiceProviderUrls({ entry }: { entry: SsoProviderEntry }) {
  const urls = entry.serviceProvider;
  const lines: [string, string | undefined][] = [
    ['Redirect URI', urls.redirectUri],
    ['Metadata URL', urls.metadataUrl],
    ['ACS URL', urls.acsUrl],
    ['Entity ID', urls.spEntityId],
  ];
  return (
    <dl className="sso-urls">
      {lines
        .filter(([, value]) => value !== undefined)
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <code data-testid={`sso-url-${label.toLowerCase().replace(/\s+/g, '-')}`}>
                {value}
              </code>{' '}
              <CopyButton text={value ?? ''} />
            </dd>
          </div>
        ))}
    </dl>
  );
}

function ProviderRow({
  entry,
  onEdit,
  onChanged,
}: {
  entry: SsoProviderEntry;
  onEdit: () => void;
  onChanged: () => void;
}) {
  const { api } = useConsole();
  const { provider } = entry;
  const remove = useAction((client) => client.removeSsoProvider(provider.id), {
    onDone: onChanged,
  });
  const isFromConfig = entry.origin === 'config';
  return (
    <tr data-testid="sso-row" data-provider={provider.id}>
      <td>
        <strong>{provider.label}</strong>
        <div className="muted">{provider.id}</div>
      </td>
      <td>{provider.kind === 'oidc' ? 'OpenID Connect' : 'SAML 2.0'}</td>
      <td>
        {provider.enabled ? 'Enabled' : 'Disabled'}
        {isFromConfig && <div className="muted">Set in the config file</div>}
      </td>
      <td>
        <ServiceProviderUrls entry={entry} />
      </td>
      <td className="actions">
        <a
          className="button"
          href={api.ssoTestUrl(provider.id)}
          target="_blank"
          rel="noopener"
          data-testid="sso-test"
        >
          Test
        </a>
        {!isFromConfig && (
          <>
            <button type="button" className="button" onClick={onEdit} data-testid="sso-edit">
              Edit
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isRunning}
              onClick={() => {
                if (window.confirm(`Remove the provider "${provider.label}"? Its users stay.`))
                  remove.run();
              }}
              data-testid="sso-remove"
            >
              Remove
            </button>
          </>
        )}
        {remove.error && <Notice kind="error">{remove.error}</Notice>}
      </td>
    </tr>
  );
}

/**
 * The admin console's Single sign-on (administrators): OpenID Connect and SAML 2.0 providers,
 * their group mapping, the URLs to enter at the provider, and a test that shows what the server
 * saw (the provider brings the test's browser tab back to `/conf/single-sign-on?test=<id>`).
 *
 * @example
 * <SsoSection />
 */
export function SsoSection() {
  const [providers, reload] = useLoad((api) => api.listSsoProviders(), []);
  const [editing, setEditing] = useState<Editing>(null);
  const testId = new URLSearchParams(useSearch()).get('test');
  const done = () => {
    setEditing(null);
    reload();
  };
  return (
    <>
      <PageHeader
        title="Single sign-on"
        subtitle="Technicians sign in with your identity provider; their account is created at their first sign-in with the role their groups map to, or refused when none does."
        actions={
          <>
            <button
              type="button"
              className="button"
              onClick={() => setEditing({ kind: 'oidc' })}
              data-testid="sso-add-oidc"
            >
              Add OpenID Connect
            </button>
            <button
              type="button"
              className="button"
              onClick={() => setEditing({ kind: 'saml' })}
              data-testid="sso-add-saml"
            >
              Add SAML 2.0
            </button>
          </>
        }
      />
      {testId && (
        <>
          <SsoTestResult testId={testId} />
          <p>
            <button
              type="button"
              className="button-link"
              onClick={() => navigate(window.location.pathname)}
            >
              Close the test result
            </button>
          </p>
        </>
      )}
      {editing && (
        <SsoProviderForm
          key={editing.entry?.provider.id ?? editing.kind}
          kind={editing.kind}
          {...(editing.entry && { initial: editing.entry.provider })}
          onSaved={done}
          onCancel={() => setEditing(null)}
        />
      )}
      <section>
        <h2 className="section-title">Providers</h2>
        <Loaded load={providers} onRetry={reload}>
          {(list) =>
            list.length === 0 ? (
              <p className="muted">No provider yet: only Tether passwords sign in.</p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="sso-table">
                  <thead>
                    <tr>
                      <th>Provider</th>
                      <th>Protocol</th>
                      <th>State</th>
                      <th>Enter at the provider</th>
                      <th aria-label="Actions" />
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((entry) => (
                      <ProviderRow
                        key={entry.provider.id}
                        entry={entry}
                        onEdit={() => setEditing({ kind: entry.provider.kind, entry })}
                        onChanged={reload}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
    </>
  );
}
