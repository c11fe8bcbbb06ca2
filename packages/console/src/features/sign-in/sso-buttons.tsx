import type { SsoButtonList } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useEffect, useState } from 'react';
import { Notice } from '../../components/notice.js';

/** The cookie the server leaves the reason of a refused single sign-on in (sso-routes.ts). */
const REFUSAL_COOKIE = 'tether_sso_error';

/** The refusal the server left, if any (forgotten once shown: see `SsoButtons`). */
function readRefusal(): string | undefined {
  const entry = document.cookie.split('; ').find((part) => part.startsWith(`${REFUSAL_COOKIE}=`));
  if (entry === undefined) return undefined;
  try {
    return decodeURIComponent(entry.slice(REFUSAL_COOKIE.length + 1)) || undefined;
  } catch {
    return undefined; // URIError: not a value the server wrote
  }
}

/**
 * The login page's "Sign in with …" buttons, one per enabled single sign-on provider, and the
 * reason of a refused single sign-on. Each button is a plain navigation: the server sends the
 * browser on to the provider.
 */
export function SsoButtons({ api }: { api: TetherClient }) {
  const [providers, setProviders] = useState<SsoButtonList['providers']>([]);
  const [refusal] = useState(readRefusal);
  useEffect(() => {
    // Shown once: a reload of the login page no longer says it.
    document.cookie = `${REFUSAL_COOKIE}=; Path=/; Secure; SameSite=Strict; Max-Age=0`;
  }, []);
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
