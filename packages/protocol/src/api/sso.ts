import { z } from 'zod';
import { Role } from './auth.js';
import { GroupRoleMapping } from './group-mapping.js';

/** A provider's ID: a short slug, part of its URLs (`/api/v1/auth/sso/<id>/start`). */
export const SsoProviderId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use 1-40 lowercase letters, digits and dashes');
export type SsoProviderId = z.infer<typeof SsoProviderId>;

/** http is accepted for an issuer on this machine only (a local or test provider). */
const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i;

const Common = {
  id: SsoProviderId,
  /** The login page's button: "Sign in with <label>". */
  label: z.string().min(1).max(60),
  enabled: z.boolean().default(true),
  mapping: GroupRoleMapping.default({ rules: [] }),
};

/** Where an OpenID Connect provider is and which claims say who the user is. */
const OidcFields = {
  ...Common,
  kind: z.literal('oidc'),
  /** Discovery: `<issuer>/.well-known/openid-configuration`. HTTPS, or http on loopback only. */
  issuer: z
    .url({ protocol: /^https?$/ })
    .refine(
      (url) => url.startsWith('https:') || LOOPBACK.test(url),
      'use https (http only for a provider on this machine: localhost, 127.0.0.1, [::1])',
    ),
  clientId: z.string().min(1).max(500),
  scopes: z.array(z.string().regex(/^[\x21-\x7e]+$/)).default(['openid', 'profile', 'email']),
  usernameClaim: z.string().min(1).max(100).default('preferred_username'),
  displayNameClaim: z.string().min(1).max(100).default('name'),
  groupsClaim: z.string().min(1).max(100).default('groups'),
};

/** Where a SAML 2.0 identity provider is and which attributes say who the user is. */
const SamlFields = {
  ...Common,
  kind: z.literal('saml'),
  /** The IdP's single sign-on URL (HTTP-Redirect binding). */
  entryPoint: z.url({ protocol: /^https?$/ }),
  /** The IdP's entity ID (the assertion's Issuer); checked when given. */
  idpIssuer: z.string().min(1).max(500).optional(),
  /** The IdP's signing certificate(s), PEM or bare base64. Assertions must be signed with one. */
  idpCertificates: z.array(z.string().min(40).max(20_000)).min(1).max(4),
  /** Tether's entity ID; default: the metadata URL. */
  spEntityId: z.string().min(1).max(500).optional(),
  /** How far the IdP's clock may be from ours when checking NotBefore / NotOnOrAfter. */
  clockSkewSec: z.int().min(0).max(600).default(120),
  /** Attribute holding the username; absent: the NameID. */
  usernameAttribute: z.string().min(1).max(200).optional(),
  displayNameAttribute: z.string().min(1).max(200).optional(),
  groupsAttribute: z.string().min(1).max(200).default('groups'),
};

/** A provider as the config file and the store hold it (secrets included). */
export const SsoProviderSettings = z.discriminatedUnion('kind', [
  z.object({
    ...OidcFields,
    /** Absent: a public client (PKCE only). */
    clientSecret: z.string().min(1).max(1000).optional(),
  }),
  z.object(SamlFields),
]);
export type SsoProviderSettings = z.infer<typeof SsoProviderSettings>;
export type SsoProviderSettingsInput = z.input<typeof SsoProviderSettings>;

/**
 * A provider as an administrator saves it. The client secret is write-only: absent keeps the
 * stored one, `null` removes it (a public client).
 */
export const SaveSsoProviderRequest = z.discriminatedUnion('kind', [
  z.object({ ...OidcFields, clientSecret: z.string().min(1).max(1000).nullable().optional() }),
  z.object(SamlFields),
]);
export type SaveSsoProviderRequest = z.input<typeof SaveSsoProviderRequest>;

/** What Tether's side of the exchange looks like, for the IdP's administrator. */
const ServiceProviderUrls = z.object({
  /** OpenID Connect: the redirect URI to register at the provider. */
  redirectUri: z.string().optional(),
  /** SAML: the assertion consumer service (HTTP-POST) and the SP metadata. */
  acsUrl: z.string().optional(),
  metadataUrl: z.string().optional(),
  spEntityId: z.string().optional(),
});

/** A provider as the API shows it: never its secret, and where it is set. */
export const SsoProviderView = z.discriminatedUnion('kind', [
  z.object({ ...OidcFields, hasClientSecret: z.boolean() }),
  z.object(SamlFields),
]);
export const SsoProviderEntry = z.object({
  provider: SsoProviderView,
  /** `config`: set in the config file, read-only here. */
  origin: z.enum(['config', 'console']),
  serviceProvider: ServiceProviderUrls,
});
export type SsoProviderEntry = z.infer<typeof SsoProviderEntry>;
export const SsoProviderList = z.object({ providers: z.array(SsoProviderEntry) });
export type SsoProviderList = z.infer<typeof SsoProviderList>;

/** The login page's buttons: enabled providers, IDs and labels only. */
export const SsoButtonList = z.object({
  providers: z.array(z.object({ id: SsoProviderId, label: z.string() })),
});
export type SsoButtonList = z.infer<typeof SsoButtonList>;

/** What the server saw in a test sign-in (nobody was signed in). */
export const SsoTestResult = z.object({
  providerId: SsoProviderId,
  kind: z.enum(['oidc', 'saml']),
  finishedAt: z.string(),
  /** The error when the exchange itself failed (signature, state, token endpoint…). */
  error: z.string().optional(),
  /** The ID token's claims (OIDC) or the assertion's attributes and NameID (SAML). */
  received: z.record(z.string(), z.unknown()).optional(),
  identity: z
    .object({
      username: z.string(),
      displayName: z.string().optional(),
      groups: z.array(z.string()),
    })
    .optional(),
  /** What the mapping gives them; null: not mapped (they would be refused). */
  mapped: z
    .object({ role: Role, teams: z.array(z.string()) })
    .nullable()
    .optional(),
});
export type SsoTestResult = z.infer<typeof SsoTestResult>;

/** The callback's query (OIDC): the code and state, or the provider's error. */
export const OidcCallbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(4000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  iss: z.string().max(1000).optional(),
});

/** The assertion consumer service's form (HTTP-POST binding). */
export const SamlAcsForm = z.object({
  SAMLResponse: z.string().min(1).max(500_000),
  RelayState: z.string().max(200).optional(),
});
