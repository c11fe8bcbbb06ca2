import { upgradeEndpoints } from '@tether/protocol';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import type { ServerContext } from '../ports/server-context.js';
import { addUploadedBuild, buildInfo, removeUploadedBuild } from './build-uploads.js';

/**
 * Uploading and deleting agent builds on the admin listener. The upload's body is the
 * archive itself, streamed to disk by the handler: the content-type parser below leaves it
 * unread, so Fastify's JSON body limit never applies and nothing is buffered.
 */
export function buildAdminRoutes(app: HttpsApp, context: ServerContext): void {
  // On the listener's app itself (a scoped plugin would not be known as the admin listener):
  // only this route takes `application/gzip`; elsewhere such a body fails the JSON schema.
  const { upload } = upgradeEndpoints.addBuild;
  app.addContentTypeParser(upload.contentType, (_request, _payload, parsed) => {
    parsed(null, undefined);
  });
  registerEndpoint(
    app,
    context.auth,
    upgradeEndpoints.addBuild,
    async ({ query, principal, request }) => {
      const build = await addUploadedBuild({
        dataDir: context.config.dataDir,
        body: request.raw,
        replace: query.replace === 'true',
        now: context.clock.now(),
      });
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'upgrades.builds',
        sourceAddress: sourceAddress(request),
        details: { added: buildInfo(build), replace: query.replace === 'true' },
      });
      return buildInfo(build);
    },
  );

  registerEndpoint(
    app,
    context.auth,
    upgradeEndpoints.removeBuild,
    async ({ params, principal, request }) => {
      const build = await removeUploadedBuild({
        dataDir: context.config.dataDir,
        builds: context.agentBuilds,
        key: params,
        targetVersion: context.upgrades.settings().targetVersion,
      });
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'upgrades.builds',
        sourceAddress: sourceAddress(request),
        details: { removed: buildInfo(build) },
      });
    },
  );
}
