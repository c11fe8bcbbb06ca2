import { z } from 'zod';
import { SsoProviderSettings } from '@tether/protocol';

/**
 * Single sign-on providers set in the config file (key `singleSignOn`). They are shown
 * read-only in the console; the console adds its own beside them.
 *
 * @example
 * { "singleSignOn": { "providers": [{ "kind": "oidc", "id": "keycloak", "label": "Keycloak",
 *   "issuer": "https://sso.example.com/realms/it", "clientId": "tether", "clientSecret": "…",
 *   "mapping": { "rules": [{ "group": "helpdesk", "role": "technician" }] } }] } }
 */
export const SingleSignOnConfig = z
  .object({
    providers: z
      .array(SsoProviderSettings)
      .default([])
      .refine((providers) => new Set(providers.map((p) => p.id)).size === providers.length, {
        message: 'two providers have the same id',
      }),
  })
  .default({ providers: [] });
export type SingleSignOnConfig = z.infer<typeof SingleSignOnConfig>;
