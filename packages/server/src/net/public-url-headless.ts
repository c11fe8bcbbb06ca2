import type { PublicUrlSettings } from '@tether/protocol';
import type { ServerConfig } from '../config/config.js';
import { readLastStart } from '../listeners/bind-listeners.js';
import type { Store } from '../store/store.js';
import { detectPublicHost } from './public-host.js';
import { describePublicUrl, readSavedPublicUrl } from './public-url.js';

/**
 * The public URL as a server on this data directory uses it, read without the server (headless
 * commands): the HTTPS listener's host and port of its last start, else the config's.
 *
 * @example
 * const { effective } = await readPublicUrlHeadless({ config, store });
 */
export async function readPublicUrlHeadless(options: {
  config: Pick<ServerConfig, 'publicUrl' | 'listen'>;
  store: Pick<Store, 'settings'>;
}): Promise<PublicUrlSettings> {
  const { config, store } = options;
  const [lastStart, saved] = await Promise.all([readLastStart(store), readSavedPublicUrl(store)]);
  const https = lastStart?.listeners.find((state) => state.name === 'https');
  const detectedHost = await detectPublicHost(https?.host ?? config.listen.host);
  return describePublicUrl({
    configured: config.publicUrl,
    saved,
    detectedHost,
    port: https?.port ?? config.listen.port,
  });
}
