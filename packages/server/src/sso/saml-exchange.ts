import type { SsoProviderSettings } from '@tether/protocol';
import { FLOW_TTL_MS } from './sso-flows.js';

type SamlProvider = Extract<SsoProviderSettings, { kind: 'saml' }>;
type NodeSaml = typeof import('@node-saml/node-saml');
type Saml = import('@node-saml/node-saml').SAML;

/** Tether's side: where the IdP posts and what Tether is called. */
interface ServiceProvider {
  acsUrl?: string | undefined;
  spEntityId?: string | undefined;
}

/** Loaded at the first SAML exchange only (server memory at start, HELPERS.md). */
let library: Promise<NodeSaml> | undefined;
const load = (): Promise<NodeSaml> => (library ??= import('@node-saml/node-saml'));

/**
 * The SAML 2.0 web browser SSO profile against one IdP (node-saml): an AuthnRequest by
 * HTTP-Redirect, a response by HTTP-POST whose assertion must be signed by the configured
 * certificate, answer one of our requests (InResponseTo), be meant for us (audience,
 * recipient) and be valid now within the configured clock skew.
 * node-saml reads the system time for validity windows (it takes no clock).
 */
export function createSamlExchange() {
  // One instance per provider settings: it keeps the IDs of the requests it sent.
  const instances = new Map<string, Promise<Saml>>();

  function instance(provider: SamlProvider, sp: ServiceProvider): Promise<Saml> {
    const key = JSON.stringify([provider, sp.acsUrl, sp.spEntityId]);
    let saml = instances.get(key);
    if (!saml) {
      saml = load().then(
        ({ SAML, ValidateInResponseTo }) =>
          new SAML({
            callbackUrl: sp.acsUrl ?? '',
            entryPoint: provider.entryPoint,
            issuer: sp.spEntityId ?? '',
            audience: sp.spEntityId ?? '',
            idpCert: provider.idpCertificates,
            ...(provider.idpIssuer && { idpIssuer: provider.idpIssuer }),
            // Required, always: an unsigned (or altered) assertion is refused.
            wantAssertionsSigned: true,
            wantAuthnResponseSigned: false,
            acceptedClockSkewMs: provider.clockSkewSec * 1000,
            validateInResponseTo: ValidateInResponseTo.always,
            requestIdExpirationPeriodMs: FLOW_TTL_MS,
            identifierFormat: null,
            disableRequestedAuthnContext: true,
          }),
      );
      instances.set(key, saml);
    }
    return saml;
  }

  return {
    async authorisationUrl(
      provider: SamlProvider,
      input: ServiceProvider & { relayState: string },
    ): Promise<string> {
      const saml = await instance(provider, input);
      return saml.getAuthorizeUrlAsync(input.relayState, undefined, {});
    },

    /** The checked assertion's NameID, issuer and attributes; throws why it was refused. */
    async attributes(
      provider: SamlProvider,
      input: ServiceProvider & { samlResponse: string },
    ): Promise<Record<string, unknown>> {
      const saml = await instance(provider, input);
      const { profile } = await saml.validatePostResponseAsync({
        SAMLResponse: input.samlResponse,
      });
      if (!profile) throw new Error('the response carries no assertion');
      const seen: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(profile)) {
        if (typeof value !== 'function' && name !== 'attributes') seen[name] = value;
      }
      return seen;
    },

    async metadata(provider: SamlProvider, sp: ServiceProvider): Promise<string> {
      const saml = await instance(provider, sp);
      return saml.generateServiceProviderMetadata(null, null);
    },
  };
}
