import type { SsoProviderSettings } from '@tether/protocol';
import type { Clock } from '../clock.js';

type OidcProvider = Extract<SsoProviderSettings, { kind: 'oidc' }>;
type OpenIdClient = typeof import('openid-client');
type Configuration = import('openid-client').Configuration;

/** Discovery documents are fetched again after this (keys rotate; settings change). */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
/** Seconds an ID token's iat/exp may be off from our clock. */
const CLOCK_TOLERANCE_SEC = 60;

/** Loaded at the first OpenID Connect exchange only (server memory at start, HELPERS.md). */
let library: Promise<OpenIdClient> | undefined;
const load = (): Promise<OpenIdClient> => (library ??= import('openid-client'));

/**
 * The authorisation code flow with PKCE against one OpenID Connect provider (openid-client):
 * discovery, the authorisation URL, and the checked exchange of the code for an ID token.
 */
export function createOidcExchange(deps: { clock: Clock }) {
  const configurations = new Map<string, { at: number; configuration: Promise<Configuration> }>();

  async function configure(provider: OidcProvider): Promise<Configuration> {
    const client = await load();
    const issuer = new URL(provider.issuer);
    const metadata = {
      // The injected clock decides token validity (tests move it); the library reads Date.now().
      [client.clockSkew]: Math.round((deps.clock.now().getTime() - Date.now()) / 1000),
      [client.clockTolerance]: CLOCK_TOLERANCE_SEC,
    };
    const authentication = provider.clientSecret
      ? client.ClientSecretBasic(provider.clientSecret)
      : client.None();
    return client.discovery(issuer, provider.clientId, metadata, authentication, {
      // Its intended use: a provider on this machine (the settings schema refuses http elsewhere).
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      ...(issuer.protocol === 'http:' && { execute: [client.allowInsecureRequests] }),
      timeout: 10,
    });
  }

  function configuration(provider: OidcProvider): Promise<Configuration> {
    const key = JSON.stringify(provider);
    const now = deps.clock.now().getTime();
    const cached = configurations.get(key);
    if (cached && now - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
    const fresh = configure(provider);
    configurations.set(key, { at: now, configuration: fresh });
    // A failed discovery is not kept: the next sign-in tries again.
    fresh.catch(() => configurations.delete(key));
    return fresh;
  }

  return {
    /** Where to send the browser, and the secrets the callback must check against. */
    async authorisationUrl(
      provider: OidcProvider,
      input: { redirectUri: string; state: string },
    ): Promise<{ url: string; codeVerifier: string; nonce: string }> {
      const client = await load();
      const config = await configuration(provider);
      const codeVerifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: input.redirectUri,
        scope: provider.scopes.join(' '),
        state: input.state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, codeVerifier, nonce };
    },

    /**
     * Exchanges the code of `callbackUrl` (state, PKCE, ID token signature, issuer, audience,
     * nonce, expiry checked by openid-client) and returns the ID token's claims, completed by
     * the UserInfo endpoint's when the ID token lacks the configured ones.
     */
    async claims(
      provider: OidcProvider,
      input: { callbackUrl: URL; state: string; codeVerifier: string; nonce: string },
    ): Promise<Record<string, unknown>> {
      const client = await load();
      const config = await configuration(provider);
      const tokens = await client.authorizationCodeGrant(config, input.callbackUrl, {
        pkceCodeVerifier: input.codeVerifier,
        expectedState: input.state,
        expectedNonce: input.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('The provider returned no ID token.');
      const claims: Record<string, unknown> = { ...idClaims };
      const wanted = [provider.usernameClaim, provider.groupsClaim, provider.displayNameClaim];
      if (wanted.some((name) => !(name in claims))) {
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        for (const [name, value] of Object.entries(info))
          if (!(name in claims)) claims[name] = value;
      }
      return claims;
    },
  };
}

export type OidcExchange = ReturnType<typeof createOidcExchange>;
