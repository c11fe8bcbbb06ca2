import { AppError, type SsoProviderSettings, type SsoTestResult } from '@tether/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import type { Store } from '../store/store.js';
import { mapGroups } from '../users/external-users.js';
import { identityFrom } from './external-claims.js';
import { createOidcExchange } from './oidc-exchange.js';
import { createSamlExchange } from './saml-exchange.js';
import { SsoFlows } from './sso-flows.js';
import { createSsoProviders, serviceProviderUrls } from './sso-providers.js';

/** Where a browser coming back from a provider goes next. */
export type SsoFinish =
  | { outcome: 'signed-in'; token: string }
  | { outcome: 'refused'; message: string }
  | { outcome: 'tested'; location: string };

/** The admin console's page showing a test's result (on the admin listener). */
export const testResultPath = (id: string) => `/conf/single-sign-on?test=${id}`;

const EXPIRED =
  'This single sign-on expired or was started in another browser. Start it again from the login page.';

/**
 * Single sign-on (OpenID Connect, SAML 2.0): starts a flow at a provider, checks what comes back,
 * and signs the user in through the sign-in pipeline (`auth.signInExternal`, which creates them
 * from the mapping or refuses them) — or, for an administrator's test, only keeps what it saw.
 */
export function createSsoService(deps: {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  auth: AuthService;
  log: Logger;
  configured: readonly SsoProviderSettings[];
  publicUrl: () => string;
}) {
  const providers = createSsoProviders(deps);
  const flows = new SsoFlows(deps.clock);
  const oidc = createOidcExchange({ clock: deps.clock });
  const saml = createSamlExchange();
  const urls = (provider: SsoProviderSettings) => serviceProviderUrls(provider, deps.publicUrl());

  /** Audits a sign-in that failed before the pipeline (bad token or assertion, stale flow). */
  async function refuse(
    providerId: string,
    sourceAddress: string,
    reason: string,
  ): Promise<SsoFinish> {
    await deps.audit.record({
      action: 'auth.login_failed',
      actor: `sso:${providerId}`,
      sourceAddress,
      details: { reason: 'single sign-on refused', provider: providerId, error: reason },
    });
    return { outcome: 'refused', message: `Single sign-on failed: ${reason}` };
  }

  /** What the server saw, as a test shows it. */
  function testResult(
    provider: SsoProviderSettings,
    seen: { received?: Record<string, unknown>; error?: string },
  ): SsoTestResult {
    const base = {
      providerId: provider.id,
      kind: provider.kind,
      finishedAt: deps.clock.now().toISOString(),
      ...seen,
    };
    if (!seen.received || seen.error) return base;
    try {
      const identity = identityFrom(seen.received, provider);
      const mapped = mapGroups(identity.groups, provider.mapping) ?? null;
      return { ...base, identity: { ...identity, groups: [...identity.groups] }, mapped };
    } catch (error) {
      return { ...base, error: (error as Error).message };
    }
  }

  /** The common end of both protocols, once the provider's answer is checked (or failed). */
  async function finish(
    provider: SsoProviderSettings,
    flow: { mode: 'sign-in' | 'test'; testedBy?: string; resultOrigin?: string },
    seen: { received?: Record<string, unknown>; error?: string },
    sourceAddress: string,
  ): Promise<SsoFinish> {
    if (flow.mode === 'test') {
      const resultId = flows.keepResult(testResult(provider, seen), flow.testedBy ?? '');
      return {
        outcome: 'tested',
        location: `${flow.resultOrigin ?? ''}${testResultPath(resultId)}`,
      };
    }
    if (seen.error || !seen.received) return refuse(provider.id, sourceAddress, seen.error ?? '');
    let identity;
    try {
      identity = identityFrom(seen.received, provider);
    } catch (error) {
      return refuse(provider.id, sourceAddress, (error as Error).message);
    }
    try {
      const { token } = await deps.auth.signInExternal({
        identity,
        mapping: provider.mapping,
        sourceAddress,
      });
      return { outcome: 'signed-in', token };
    } catch (error) {
      // signInExternal audited the refusal (unmapped, disabled, another source's account).
      if (error instanceof AppError) return { outcome: 'refused', message: error.message };
      throw error;
    }
  }

  return {
    providers,

    /**
     * The provider's URL to send the browser to, for a sign-in or an administrator's test. A
     * test's browser comes back to the user listener, then goes to the result in the admin
     * console at `resultOrigin` (where the test was started).
     */
    async start(input: {
      providerId: string;
      binding: string;
      test?: { by: string; resultOrigin: string };
    }): Promise<string> {
      const provider = input.test
        ? await providers.get(input.providerId)
        : await providers.enabled(input.providerId);
      const mode = input.test ? ('test' as const) : ('sign-in' as const);
      const flow = {
        providerId: provider.id,
        mode,
        binding: input.binding,
        ...(input.test && { testedBy: input.test.by, resultOrigin: input.test.resultOrigin }),
      };
      try {
        if (provider.kind === 'saml') {
          const state = flows.open(flow);
          return await saml.authorisationUrl(provider, { ...urls(provider), relayState: state });
        }
        const redirectUri = urls(provider).redirectUri ?? '';
        // The state is opened first, the PKCE verifier and nonce set on it below.
        const state = flows.open(flow);
        const started = await oidc.authorisationUrl(provider, { redirectUri, state });
        flows.attach(state, { codeVerifier: started.codeVerifier, nonce: started.nonce });
        return started.url;
      } catch (error) {
        deps.log.warn({ err: error, provider: provider.id }, 'cannot start single sign-on');
        const message = `Cannot reach the single sign-on provider "${provider.label}": ${(error as Error).message}`;
        // A test shows the failure on its result page: it is what the server saw.
        if (!input.test) throw new AppError('UNAVAILABLE', message);
        return testResultPath(
          flows.keepResult(testResult(provider, { error: message }), input.test.by),
        );
      }
    },

    /** OpenID Connect: the browser came back to the redirect URI. */
    async finishOidc(input: {
      providerId: string;
      callbackUrl: URL;
      binding: string | undefined;
      sourceAddress: string;
    }): Promise<SsoFinish> {
      const state = input.callbackUrl.searchParams.get('state') ?? '';
      const flow = flows.take(state, input);
      if (!flow) return refuse(input.providerId, input.sourceAddress, EXPIRED);
      const provider = await providers.get(input.providerId);
      if (provider.kind !== 'oidc') return refuse(provider.id, input.sourceAddress, EXPIRED);
      const providerError = input.callbackUrl.searchParams.get('error');
      let seen: { received?: Record<string, unknown>; error?: string };
      if (providerError) {
        const description = input.callbackUrl.searchParams.get('error_description');
        seen = {
          error: `the provider answered ${providerError}${description ? `: ${description}` : ''}`,
        };
      } else {
        try {
          const received = await oidc.claims(provider, {
            callbackUrl: input.callbackUrl,
            state,
            codeVerifier: flow.codeVerifier ?? '',
            nonce: flow.nonce ?? '',
          });
          seen = { received };
        } catch (error) {
          seen = { error: (error as Error).message };
        }
      }
      return finish(provider, flow, seen, input.sourceAddress);
    },

    /** SAML: the IdP posted a response to the assertion consumer service. */
    async finishSaml(input: {
      providerId: string;
      form: { SAMLResponse: string; RelayState?: string | undefined };
      binding: string | undefined;
      sourceAddress: string;
    }): Promise<SsoFinish> {
      const flow = flows.take(input.form.RelayState ?? '', input);
      if (!flow) return refuse(input.providerId, input.sourceAddress, EXPIRED);
      const provider = await providers.get(input.providerId);
      if (provider.kind !== 'saml') return refuse(provider.id, input.sourceAddress, EXPIRED);
      let seen: { received?: Record<string, unknown>; error?: string };
      try {
        seen = {
          received: await saml.attributes(provider, {
            ...urls(provider),
            samlResponse: input.form.SAMLResponse,
          }),
        };
      } catch (error) {
        seen = { error: `the SAML response was refused: ${(error as Error).message}` };
      }
      return finish(provider, flow, seen, input.sourceAddress);
    },

    /** The SAML service provider metadata of a provider. */
    async metadata(providerId: string): Promise<string> {
      const provider = await providers.get(providerId);
      if (provider.kind !== 'saml')
        throw new AppError('NOT_FOUND', `"${providerId}" is not a SAML provider.`);
      return saml.metadata(provider, urls(provider));
    },

    testResult(id: string, username: string): SsoTestResult {
      const result = flows.result(id, username);
      if (!result)
        throw new AppError(
          'NOT_FOUND',
          'No such test result: it expired (10 min) or is not yours.',
        );
      return result;
    },

    /** Enabled providers' IDs and labels, for the login page. */
    async buttons(): Promise<{ id: string; label: string }[]> {
      return (await providers.all())
        .filter((provider) => provider.enabled)
        .map(({ id, label }) => ({ id, label }));
    },
  };
}

export type SsoService = ReturnType<typeof createSsoService>;
