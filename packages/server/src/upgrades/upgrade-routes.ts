import { AppError, upgradeEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import type { ServerContext } from '../ports/server-context.js';

/**
 * Agent upgrades on the admin listener (A-6, S-12): settings, progress, manual upgrades. Every
 * change is audited by the service.
 */
export function upgradeAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, upgradeEndpoints.overview, () => context.upgrades.overview());
  registerEndpoint(app, context.auth, upgradeEndpoints.setSettings, ({ body, principal }) =>
    context.upgrades.saveSettings(body, principal.user.username),
  );
  registerEndpoint(app, context.auth, upgradeEndpoints.start, ({ body, principal }) =>
    context.upgrades.startManual(body, principal.user.username),
  );
}

/**
 * The agents' download of an offered build, on the user listener (where agents connect). The
 * ticket came over the device's authenticated control channel and works once; the body is sent
 * through the shared bandwidth throttle.
 */
export function upgradeDownloadRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, upgradeEndpoints.download, async ({ params, reply }) => {
    const download = context.upgrades.openDownload(params.ticket);
    if (!download)
      throw new AppError(
        'NOT_FOUND',
        'This upgrade download is not offered (any more): the agent waits for a new offer.',
      );
    await reply
      .header('content-type', 'application/gzip')
      .header('content-length', String(download.bytes))
      .header('cache-control', 'no-store')
      .send(download.body);
  });
}
