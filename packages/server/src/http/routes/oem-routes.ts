import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AppError,
  AppRegistrationRequest,
  CreateDeviceKeyRequest,
  CreateScriptTokenRequest,
  CreateTenantRequest,
  OemConnectQuery,
  RequestControlRequest,
  SetTenantCompatibilityRequest,
  SetTenantGroupsRequest,
  TenantId,
  UnregisterDeviceRequest,
  type AppRegistrationResponse,
  type CreateDeviceKeyResponse,
  type CreateScriptTokenResponse,
  type OemDeviceList,
  type RequestControlResponse,
  type ScriptTokenList,
  type Tenant,
  type TenantList,
} from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { CONNECT_PATH, invalidLinkError } from '../../oem/control.js';
import type { OemCaller } from '../../oem/oem-service.js';
import { oemOpenApiDocument } from '../../oem/openapi.js';
import type { HttpsApp } from '../https-app.js';
import { noStore } from '../no-store.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';
import { prefersHtml, refusedLinkPage } from './oem-link-page.js';

/** Where the console shows a session opened by a control URL; the ticket stays in the fragment. */
export const OEM_SESSION_PAGE = '/oem/session';

/**
 * The integration API (O-1 … O-6): script-token endpoints for integrators, the one-time
 * connection URL, administrators' tenant and token management, and the OpenAPI document.
 */
export function oemRoutes(app: HttpsApp, context: ServerContext): void {
  const { oem } = context;
  const caller = (request: FastifyRequest, operation: string): Promise<OemCaller> =>
    oem.authenticate({
      authorization: request.headers.authorization,
      sourceAddress: sourceAddress(request),
      operation,
    });

  app.post(
    '/api/v1/oem/devices/createdevicekey',
    async (request, reply): Promise<CreateDeviceKeyResponse> => {
      const who = await caller(request, 'createdevicekey');
      const created = await oem.createDeviceKey(
        who,
        parseInput(CreateDeviceKeyRequest, request.body, 'createdevicekey request'),
      );
      void noStore(reply);
      return created;
    },
  );

  app.post(
    '/api/v1/oem/devices/requestcontrol',
    async (request, reply): Promise<RequestControlResponse> => {
      const who = await caller(request, 'requestcontrol');
      const control = await oem.requestControl(
        who,
        parseInput(RequestControlRequest, request.body, 'requestcontrol request'),
      );
      void noStore(reply);
      return control;
    },
  );

  const unregister = async (request: FastifyRequest, reply: FastifyReply) => {
    const who = await caller(request, 'unregister');
    await oem.unregister(
      who,
      parseInput(UnregisterDeviceRequest, request.body, 'unregister request'),
    );
    return reply.status(204).send();
  };
  app.delete('/api/v1/oem/devices', unregister);
  // The path the vendor document's prose names; its sample code uses the one above.
  app.delete('/api/v1/oem/devices/unregister', unregister);

  app.get('/api/v1/oem/devices', async (request): Promise<OemDeviceList> => {
    return oem.listDevices(await caller(request, 'listdevices'));
  });

  app.post(
    '/api/v1/oem/appregistrations',
    async (request, reply): Promise<AppRegistrationResponse> => {
      const who = await caller(request, 'appregistrations');
      const registered = await oem.registerApp(
        who,
        parseInput(AppRegistrationRequest, request.body, 'app registration'),
      );
      void reply.status(201);
      return registered;
    },
  );

  app.get(CONNECT_PATH, async (request, reply) => {
    try {
      const opened = await openControlUrl(context, request);
      const page = `${OEM_SESSION_PAGE}/${opened.sessionId}#ticket=${opened.relayToken}`;
      return await noStore(reply).redirect(page, 302);
    } catch (error) {
      // A person who opens a refused link in a browser gets a page, not the JSON body.
      if (!(error instanceof AppError) || !prefersHtml(request.headers.accept)) throw error;
      const page = refusedLinkPage(error);
      const retryAfter = error.details?.retryAfterSec;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      return noStore(reply)
        .status(page.status)
        .header('vary', 'accept')
        .type('text/html; charset=utf-8')
        .send(page.html);
    }
  });

  app.get('/api/v1/openapi.json', () => Promise.resolve(oemOpenApiDocument(context.publicUrl())));

  adminRoutes(app, context);
}

/** Checks a filled control URL and opens its session; every refusal is an AppError. */
async function openControlUrl(context: ServerContext, request: FastifyRequest) {
  const source = sourceAddress(request);
  const parsed = OemConnectQuery.safeParse(request.query);
  if (!parsed.success) {
    await context.audit.record({
      action: 'oem.refused',
      actor: source,
      sourceAddress: source,
      details: { operation: 'connect', reason: 'malformed link' },
    });
    throw invalidLinkError();
  }
  try {
    return await context.oem.connect({ query: parsed.data, sourceAddress: source });
  } catch (error) {
    if (error instanceof AppError) throw error;
    // The URL holds a one-time secret: log the failure without it.
    context.log.error({ err: error }, 'opening a control URL failed');
    throw new AppError(
      'INTERNAL',
      'The session could not be opened; the details are in the server log.',
    );
  }
}

const TenantParams = z.object({ id: TenantId });
const TokenParams = z.object({ id: z.uuid() });

/** Administrators manage tenants, their device groups and script tokens (cookie sign-in). */
function adminRoutes(app: HttpsApp, context: ServerContext): void {
  const { admin } = context.oem;
  const administrator = async (request: FastifyRequest) => {
    const principal = await requireUser(context.auth, request, ['administrator']);
    return { actor: principal.user.username, sourceAddress: sourceAddress(request) };
  };

  app.get('/api/v1/oem/tenants', async (request): Promise<TenantList> => {
    await administrator(request);
    return { tenants: await admin.listTenants() };
  });

  app.post('/api/v1/oem/tenants', async (request, reply): Promise<Tenant> => {
    const by = await administrator(request);
    const tenant = await admin.createTenant(
      parseInput(CreateTenantRequest, request.body, 'tenant'),
      by,
    );
    void reply.status(201);
    return tenant;
  });

  app.put('/api/v1/oem/tenants/:id/groups', async (request): Promise<Tenant> => {
    const by = await administrator(request);
    const { id } = parseInput(TenantParams, request.params, 'tenant ID');
    const { groups } = parseInput(SetTenantGroupsRequest, request.body, 'tenant groups');
    return admin.setGroups(id, groups, by);
  });

  app.put('/api/v1/oem/tenants/:id/compatibility', async (request): Promise<Tenant> => {
    const by = await administrator(request);
    const { id } = parseInput(TenantParams, request.params, 'tenant ID');
    const { compatibility } = parseInput(
      SetTenantCompatibilityRequest,
      request.body,
      'tenant compatibility',
    );
    return admin.setCompatibility(id, compatibility, by);
  });

  app.get('/api/v1/oem/tenants/:id/tokens', async (request): Promise<ScriptTokenList> => {
    await administrator(request);
    const { id } = parseInput(TenantParams, request.params, 'tenant ID');
    return { tokens: await admin.listTokens(id) };
  });

  app.post(
    '/api/v1/oem/tenants/:id/tokens',
    async (request, reply): Promise<CreateScriptTokenResponse> => {
      const by = await administrator(request);
      const { id } = parseInput(TenantParams, request.params, 'tenant ID');
      const created = await admin.createToken(
        id,
        parseInput(CreateScriptTokenRequest, request.body, 'script token'),
        by,
      );
      void noStore(reply).status(201);
      return created;
    },
  );

  app.delete('/api/v1/oem/tokens/:id', async (request, reply) => {
    const by = await administrator(request);
    const { id } = parseInput(TokenParams, request.params, 'script token ID');
    await admin.revokeToken(id, by);
    return reply.status(204).send();
  });
}
