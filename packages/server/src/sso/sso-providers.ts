import { z } from 'zod';
import {
  AppError,
  type SaveSsoProviderRequest,
  SsoProviderSettings,
  type SsoProviderEntry,
} from '@tether/protocol';
import type { Store } from '../store/store.js';

/** The store key of the providers added in the console. */
const KEY = 'sso.providers';
const Stored = z.array(SsoProviderSettings);

/** Where a provider sends the browser back, and what Tether is called, for its administrator. */
export function serviceProviderUrls(
  provider: SsoProviderSettings,
  publicUrl: string,
): SsoProviderEntry['serviceProvider'] {
  const base = `${publicUrl.replace(/\/$/, '')}/api/v1/auth/sso/${provider.id}`;
  if (provider.kind === 'oidc') return { redirectUri: `${base}/callback` };
  const metadataUrl = `${base}/metadata`;
  return { acsUrl: `${base}/acs`, metadataUrl, spEntityId: provider.spEntityId ?? metadataUrl };
}

/** The API's view of a provider: the client secret only as "set" or "not set". */
function entryOf(
  provider: SsoProviderSettings,
  origin: SsoProviderEntry['origin'],
  publicUrl: string,
): SsoProviderEntry {
  const serviceProvider = serviceProviderUrls(provider, publicUrl);
  if (provider.kind === 'saml') return { provider, origin, serviceProvider };
  const { clientSecret, ...shown } = provider;
  return {
    provider: { ...shown, hasClientSecret: clientSecret !== undefined },
    origin,
    serviceProvider,
  };
}

export interface SsoProviders {
  /** An enabled provider by ID, secrets included (for the exchange), or NOT_FOUND. */
  enabled(id: string): Promise<SsoProviderSettings>;
  /** Any provider by ID, enabled or not (for a test), or NOT_FOUND. */
  get(id: string): Promise<SsoProviderSettings>;
  all(): Promise<SsoProviderSettings[]>;
  list(): Promise<SsoProviderEntry[]>;
  save(id: string, request: z.output<typeof SaveSsoProviderRequest>): Promise<SsoProviderEntry>;
  remove(id: string): Promise<void>;
}

/**
 * The single sign-on providers: the config file's (read-only, listed first) and the console's
 * (in the store). A console provider cannot take the ID of a config file one.
 */
export function createSsoProviders(deps: {
  store: Store;
  configured: readonly SsoProviderSettings[];
  publicUrl: () => string;
}): SsoProviders {
  const isConfigured = (id: string) => deps.configured.some((provider) => provider.id === id);

  async function stored(): Promise<SsoProviderSettings[]> {
    const parsed = Stored.safeParse((await deps.store.settings.get(KEY)) ?? []);
    // Written only by `save` below with this schema; a row that no longer parses (a downgrade)
    // is better ignored than able to stop everyone signing in.
    return parsed.success ? parsed.data.filter((provider) => !isConfigured(provider.id)) : [];
  }

  function refuseConfigured(id: string): void {
    if (isConfigured(id)) {
      throw new AppError(
        'CONFLICT',
        `The provider "${id}" is set in the config file: change it there.`,
      );
    }
  }

  async function get(id: string): Promise<SsoProviderSettings> {
    const provider = [...deps.configured, ...(await stored())].find((p) => p.id === id);
    if (!provider) throw new AppError('NOT_FOUND', `No single sign-on provider "${id}".`);
    return provider;
  }

  return {
    get,
    async enabled(id) {
      const provider = await get(id);
      if (!provider.enabled)
        throw new AppError('NOT_FOUND', `The single sign-on provider "${id}" is disabled.`);
      return provider;
    },
    async all() {
      return [...deps.configured, ...(await stored())];
    },
    async list() {
      const publicUrl = deps.publicUrl();
      return [
        ...deps.configured.map((provider) => entryOf(provider, 'config', publicUrl)),
        ...(await stored()).map((provider) => entryOf(provider, 'console', publicUrl)),
      ];
    },
    async save(id, request) {
      refuseConfigured(id);
      if (request.id !== id)
        throw new AppError('INVALID_INPUT', `The provider's id must be "${id}", as in the URL.`);
      const providers = await stored();
      const previous = providers.find((provider) => provider.id === id);
      let provider: SsoProviderSettings;
      if (request.kind === 'oidc') {
        // Write-only secret: absent keeps the stored one, null removes it.
        const kept = previous?.kind === 'oidc' ? previous.clientSecret : undefined;
        const { clientSecret, ...rest } = request;
        const secret = clientSecret === undefined ? kept : (clientSecret ?? undefined);
        provider = { ...rest, ...(secret !== undefined && { clientSecret: secret }) };
      } else provider = request;
      const next = [...providers.filter((p) => p.id !== id), provider];
      await deps.store.settings.set(KEY, next);
      return entryOf(provider, 'console', deps.publicUrl());
    },
    async remove(id) {
      refuseConfigured(id);
      const providers = await stored();
      if (!providers.some((provider) => provider.id === id))
        throw new AppError('NOT_FOUND', `No single sign-on provider "${id}".`);
      await deps.store.settings.set(
        KEY,
        providers.filter((provider) => provider.id !== id),
      );
    },
  };
}
