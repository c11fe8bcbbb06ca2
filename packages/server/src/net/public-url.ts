import { AppError, PublicUrl, type PublicUrlSettings } from '@tether/protocol';
import { z } from 'zod';
import type { Store } from '../store/store.js';
import { isLoopbackHost } from './public-host.js';

const KEY = 'publicUrl';

/** What the settings row holds: the saved URL, or null once removed. */
const Saved = z.object({ url: z.string().nullable() });

/**
 * The public URL saved in the admin console or with `tether admin public-url`; null when
 * none is (a row that no longer parses counts as none: the detected address is used).
 */
export async function readSavedPublicUrl(store: Pick<Store, 'settings'>): Promise<string | null> {
  const parsed = Saved.safeParse(await store.settings.get(KEY));
  if (!parsed.success || parsed.data.url === null) return null;
  return PublicUrl.safeParse(parsed.data.url).data ?? null;
}

/**
 * Saves `url` (validated first: an unusable address throws `INVALID_INPUT` and nothing is
 * written) or, with null, removes the saved one. Returns what is saved.
 */
export async function writeSavedPublicUrl(
  store: Pick<Store, 'settings'>,
  url: string | null,
): Promise<string | null> {
  const parsed = url === null ? null : PublicUrl.safeParse(url);
  if (parsed !== null && !parsed.success)
    throw new AppError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'Not an address.');
  const saved = parsed === null ? null : parsed.data;
  await store.settings.set(KEY, { url: saved });
  return saved;
}

/** Where the public URL is taken from, before the user listener's port is known. */
export interface PublicUrlInputs {
  /** The config file's or `TETHER_PUBLIC_URL`'s value: wins over everything. */
  configured: string | undefined;
  saved: string | null;
  /** The detected host (see `detectPublicHost`) … */
  detectedHost: string;
  /** … and the user listener's port (the bound one once known). */
  port: number;
}

/**
 * The public URL and where it comes from: config, then saved, then detected.
 *
 * @example
 * describePublicUrl({ configured: undefined, saved: null, detectedHost: 'vm.example.com', port: 8443 });
 * // { effective: 'https://vm.example.com:8443', source: 'detected', … }
 */
export function describePublicUrl(inputs: PublicUrlInputs): PublicUrlSettings {
  const detected = detectedUrl(inputs);
  const { effective, source } = effectiveUrl(inputs);
  const host = new URL(effective).hostname;
  const warnings: string[] = [];
  if (isLoopbackHost(host)) {
    warnings.push(
      `${host} is this machine only: agents installed on other machines with this address would try to reach themselves. Set the address other machines reach this server at${source === 'detected' ? ', or let the server listen on every address (listen.host 0.0.0.0)' : ''}.`,
    );
  }
  return {
    effective,
    source,
    configured: inputs.configured ?? null,
    saved: inputs.saved,
    detected,
    warnings,
  };
}

/** The URL in use and where it comes from (the cheap part of {@link describePublicUrl}). */
function effectiveUrl(inputs: PublicUrlInputs): Pick<PublicUrlSettings, 'effective' | 'source'> {
  if (inputs.configured !== undefined) return { effective: inputs.configured, source: 'config' };
  if (inputs.saved !== null) return { effective: inputs.saved, source: 'saved' };
  return { effective: detectedUrl(inputs), source: 'detected' };
}

function detectedUrl(inputs: Pick<PublicUrlInputs, 'detectedHost' | 'port'>): string {
  return new URL(`https://${inputs.detectedHost}:${inputs.port}`).origin;
}

/**
 * The public URL as every request reads it: synchronously, from memory; reloaded after a change
 * here and periodically (a headless change in the same database).
 *
 * @example
 * const publicUrl = await loadPublicUrlState({ store, configured: config.publicUrl, detectedHost, port: () => bound.port ?? 8443 });
 * publicUrl.url(); // 'https://support.example.com:8443'
 */
export interface PublicUrlState {
  url(): string;
  settings(): PublicUrlSettings;
  reload(): Promise<void>;
}

export async function loadPublicUrlState(deps: {
  store: Pick<Store, 'settings'>;
  configured: string | undefined;
  detectedHost: string;
  port: () => number;
}): Promise<PublicUrlState> {
  let saved = await readSavedPublicUrl(deps.store);
  const inputs = (): PublicUrlInputs => ({
    configured: deps.configured,
    saved,
    detectedHost: deps.detectedHost,
    port: deps.port(),
  });
  return {
    url: () => effectiveUrl(inputs()).effective,
    settings: () => describePublicUrl(inputs()),
    async reload() {
      saved = await readSavedPublicUrl(deps.store);
    },
  };
}
