import type { HttpsApp } from '../https-app.js';
import {
  CreateInstallerRequest,
  InstallerId,
  type CreateInstallerResponse,
  type InstallerList,
} from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import { parseInput, requireUser } from '../request-context.js';

/** Installers are made by administrators and privileged users. */
const MAKERS = ['administrator', 'privileged'] as const;

export function installerRoutes(app: HttpsApp, context: ServerContext): void {
  app.post('/api/v1/installers', async (request, reply): Promise<CreateInstallerResponse> => {
    const principal = await requireUser(context.auth, request, [...MAKERS]);
    const body = parseInput(CreateInstallerRequest, request.body, 'installer');
    void reply.status(201);
    return context.installers.create({
      ...body,
      createdBy: principal.user.username,
      serverUrl: context.publicUrl(),
    });
  });

  app.get('/api/v1/installers', async (request): Promise<InstallerList> => {
    await requireUser(context.auth, request, [...MAKERS]);
    return { installers: await context.installers.list() };
  });

  app.delete('/api/v1/installers/:id', async (request, reply) => {
    const principal = await requireUser(context.auth, request, [...MAKERS]);
    const id = parseInput(InstallerId, (request.params as { id: string }).id, 'installer ID');
    await context.installers.revoke(id, principal.user.username);
    return reply.status(204).send();
  });
}
