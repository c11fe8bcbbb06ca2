import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AppError,
  oemAdministrationEndpoints as administration,
  oemDeviceEndpoints as devices,
  type OemConnectQuery,
} from '@tether/protocol';
import type { z } from 'zod';
import type { ServerContext } from '../../ports/server-context.js';
import type { Principal } from '../../auth/auth-service.js';
import { invalidLinkError } from '../../oem/control.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { noStore } from '../no-store.js';
import { sourceAddress } from '../request-context.js';
import { prefersHtml, refusedLinkPage } from './oem-link-page.js';

/** Where the console shows a session opened by a control URL; the ticket stays in the fragment. */
export const OEM_SESSION_PAGE = '/oem/session';

/**
 * The integration API (O-1 … O-6): script-token endpoints for integrators, the one-time
 * connection URL, administrators' tenant and token management, and the OpenAPI document.
 */
export function oemRoutes(app: HttpsApp, context: ServerContext): void {
  const { oem } = context;

  registerEndpoint(app, context, devices.createDeviceKey, ({ caller, body }) =>
    oem.createDeviceKey(caller, body),
  );
  registerEndpoint(app, context, devices.requestControl, ({ caller, body }) =>
    oem.requestControl(caller, body),
  );
  // Two paths, one call: the vendor document's prose names the second, its sample code the first.
  for (const unregister of [devices.unregister, devices.unregisterByVendorPath]) {
    registerEndpoint(app, context, unregister, ({ caller, body }) => oem.unregister(caller, body));
  }
  registerEndpoint(app, context, devices.listDevices, ({ caller }) => oem.listDevices(caller));
  registerEndpoint(app, context, devices.registerApp, ({ caller, body }) =>
    oem.registerApp(caller, body),
  );

  registerEndpoint(
    app,
    context,
    devices.connect,
    async ({ query, request, reply }) => {
      const opened = await openControlUrl(context, query, request);
      void reply.header(
        'location',
        `${OEM_SESSION_PAGE}/${opened.sessionId}#ticket=${opened.relayToken}`,
      );
    },
    {
      invalidInput: (request) => refuseMalformedLink(context, request),
      answerRefusal: answerRefusedLink,
    },
  );

  administrationRoutes(app, context);
}

/** A malformed control URL is audited and refused like any other invalid link. */
async function refuseMalformedLink(
  context: ServerContext,
  request: FastifyRequest,
): Promise<AppError> {
  const source = sourceAddress(request);
  await context.audit.refused(
    {
      action: 'oem.refused',
      actor: source,
      sourceAddress: source,
      details: { operation: 'connect', reason: 'malformed link' },
    },
    { reason: 'connect malformed link' },
  );
  return invalidLinkError();
}

/** A person who opens a refused link in a browser gets a page, not the JSON body. */
function answerRefusedLink(
  error: AppError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (!prefersHtml(request.headers.accept)) return undefined;
  const page = refusedLinkPage(error);
  const retryAfter = error.details?.retryAfterSec;
  if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  return noStore(reply)
    .status(page.status)
    .header('vary', 'accept')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

/** Opens the session of a filled control URL; every refusal is an AppError. */
async function openControlUrl(
  context: ServerContext,
  query: z.output<typeof OemConnectQuery>,
  request: FastifyRequest,
) {
  try {
    return await context.oem.connect({ query, sourceAddress: sourceAddress(request) });
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

/** Administrators manage tenants, their device groups and script tokens (cookie sign-in). */
function administrationRoutes(app: HttpsApp, context: ServerContext): void {
  const { admin } = context.oem;
  const by = (input: { principal: Principal; request: FastifyRequest }) => ({
    actor: input.principal.user.username,
    sourceAddress: sourceAddress(input.request),
  });

  registerEndpoint(app, context, administration.listTenants, async () => ({
    tenants: await admin.listTenants(),
  }));
  registerEndpoint(app, context, administration.createTenant, (input) =>
    admin.createTenant(input.body, by(input)),
  );
  registerEndpoint(app, context, administration.setTenantGroups, (input) =>
    admin.setGroups(input.params.id, input.body.groups, by(input)),
  );
  registerEndpoint(app, context, administration.setTenantCompatibility, (input) =>
    admin.setCompatibility(input.params.id, input.body.compatibility, by(input)),
  );
  registerEndpoint(app, context, administration.listTokens, async ({ params }) => ({
    tokens: await admin.listTokens(params.id),
  }));
  registerEndpoint(app, context, administration.createToken, (input) =>
    admin.createToken(input.params.id, input.body, by(input)),
  );
  registerEndpoint(app, context, administration.revokeToken, (input) =>
    admin.revokeToken(input.params.id, by(input)),
  );
}
