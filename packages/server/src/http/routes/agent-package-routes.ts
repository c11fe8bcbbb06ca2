import { AppError, agentPackageEndpoints } from '@tether/protocol';
import type { FastifyReply } from 'fastify';
import type { PackageFile } from '../../agent-packages/package-files.js';
import type { ServerContext } from '../../ports/server-context.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';
import type { HttpsApp } from '../https-app.js';

/** Streams a package file with its exact length (curl and browsers show progress). */
async function sendPackage(reply: FastifyReply, file: PackageFile): Promise<void> {
  await reply
    .header('content-type', file.contentType)
    .header('content-length', String(file.bytes))
    .header('content-disposition', `attachment; filename="${file.file}"`)
    .send(file.open());
}

/**
 * Agent package downloads (issue 14): the list and the files for signed-in administrators, and
 * the public links the one-liner fetches. A public link's key is a secret: its failures are
 * logged here without the URL (the generic error log names the URL).
 */
export function agentPackageRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, agentPackageEndpoints.downloads, ({ params }) =>
    context.agentPackages.downloads(params.id),
  );

  registerEndpoint(
    app,
    context.auth,
    agentPackageEndpoints.download,
    async ({ params, principal, request, reply }) => {
      const file = await context.agentPackages.open(params.id, params.file, {
        actor: principal.user.username,
        sourceAddress: sourceAddress(request),
      });
      await sendPackage(reply, file);
    },
  );

  registerEndpoint(
    app,
    context.auth,
    agentPackageEndpoints.publicDownload,
    async ({ params, request, reply }) => {
      let file: PackageFile;
      try {
        file = await context.agentPackages.openByLink(
          { installerId: params.id, key: params.key, file: params.file },
          sourceAddress(request),
        );
      } catch (error) {
        if (error instanceof AppError) throw error;
        context.log.error(
          { err: error, installerId: params.id, file: params.file },
          'cannot make an agent package for a public link',
        );
        throw new AppError(
          'INTERNAL',
          'The server cannot make this package now; the details are in its log.',
        );
      }
      await sendPackage(reply, file);
    },
  );
}
