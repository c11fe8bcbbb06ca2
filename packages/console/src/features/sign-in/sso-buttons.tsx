import type { SsoButtonList } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useEffect, useState } from 'react';
import { Notice } from '../../components/notice.js';

/** The query parameter the server's single sign-on refusal page sends the browser back with. */
const ERROR_PARAMETER = 'sso_error';

/** The refusal the server sent back, read once and removed from the address bar. */
function takeRefusal(): string | undefined {
  const url = new URL(window.location.href);
  const message = url.searchParams.get(ERROR_PARAMETER) ?? undefined;
  if (message !== undefined) {
    url.searchParams.delete(ERROR_PARAMETER);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  return message;
}

/**
 * The login page's "Sign in with …" buttons, one per enabled single sign-on provider, and the
 * reason of a refused single sign-on. Each button is a plain navigation: the server sends the
 * browser on to the provider.
 */
export function SsoButtons({ api }: { api: TetherClient }) {
  const [providers, setProviders] = useState<SsoButtonList['providers']>([]);
  const [refusal] = useState(takeRefusal);
  useEffect(() => {
    // No buttons when the list cannot be read: the password form still works.
    api.listSsoButtons().then(setProviders, () => setProviders([]));
  }, [api]);
  return (
    <>
      {refusal && (
        <div data-testid="sso-error">
          <Notice kind="error">{refusal}</Notice>
        </div>
      )}
      {providers.length > 0 && (
        <div className="sso-buttons" data-testid="sso-buttons">
          {providers.map((provider) => (
            <a
              key={provider.id}
              className="button button-wide"
              href={api.ssoStartUrl(provider.id)}
              data-testid={`sso-button-${provider.id}`}
            >
              Sign in with {provider.label}
            </a>
          ))}
        </div>
      )}
    </>
  );
}
