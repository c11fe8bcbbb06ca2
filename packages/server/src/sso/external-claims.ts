import type { SsoProviderSettings } from '@tether/protocol';
import type { ExternalIdentity } from '../auth/sign-in-methods.js';

/** A claim or attribute as a list of strings (SAML attributes and OIDC claims may be either). */
function strings(value: unknown): string[] {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.flatMap((item) =>
    typeof item === 'string' || typeof item === 'number' ? [String(item)] : [],
  );
}

/**
 * Who a provider says signed in, read from the claims (OIDC) or attributes (SAML) the provider
 * is configured to send. Throws, naming the missing claim, when there is no username.
 *
 * @example
 * identityFrom({ preferred_username: 'ana', groups: ['helpdesk'] }, oidcProvider)
 * // { source: 'oidc', username: 'ana', groups: ['helpdesk'] }
 */
export function identityFrom(
  values: Readonly<Record<string, unknown>>,
  provider: SsoProviderSettings,
): ExternalIdentity {
  const names =
    provider.kind === 'oidc'
      ? {
          username: provider.usernameClaim,
          displayName: provider.displayNameClaim,
          groups: provider.groupsClaim,
        }
      : {
          // The NameID when no attribute is named (node-saml's profile field).
          username: provider.usernameAttribute ?? 'nameID',
          displayName: provider.displayNameAttribute,
          groups: provider.groupsAttribute,
        };
  const username = strings(values[names.username])[0]?.trim();
  if (!username) {
    const what = provider.kind === 'oidc' ? 'claim' : 'attribute';
    throw new Error(
      `The provider sent no "${names.username}" ${what} (the username): configure it to send one, or name another ${what}.`,
    );
  }
  const displayName = names.displayName ? strings(values[names.displayName])[0] : undefined;
  return {
    source: provider.kind,
    username,
    ...(displayName !== undefined && { displayName }),
    groups: strings(values[names.groups]),
  };
}
