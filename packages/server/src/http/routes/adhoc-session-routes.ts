import { adhocSessionEndpoints } from '@tether/protocol';
import { createAdhocSessions, type AdhocDeps } from '../../adhoc/adhoc-sessions.js';
import { watchOneTimeDevices } from '../../adhoc/one-time-devices.js';
import { createSupportPortal, SUPPORT_RUN_FILE } from '../../adhoc/support-portal.js';
import { deleteDevice } from '../../devices/delete-device.js';
import type { ServerContext } from '../../ports/server-context.js';
import type { HttpsApp } from '../https-app.js';
import { noStore } from '../no-store.js';
import { registerEndpoint } from '../endpoint-route.js';
import { sourceAddress } from '../request-context.js';

/**
 * Ad-hoc sessions: the technician's codes, and the public support portal's code check,
 * one-time agent download and installed-agent hand-over. Also starts ending the sessions of
 * one-time agents that left.
 */
export function adhocSessionRoutes(app: HttpsApp, context: ServerContext): void {
  const deps: AdhocDeps = {
    store: context.store,
    clock: context.clock,
    audit: context.audit,
    rights: context.rights,
    publicUrl: () => context.publicUrl(),
    // A device that cannot be deleted now is ephemeral: maintenance removes it 5 minutes
    // after it went offline.
    removeDevice: (deviceId, session) =>
      deleteDevice(context, deviceId, { by: 'adhoc', adhocSessionId: session.id }).catch(
        (error: unknown) => {
          context.log.warn(
            { err: error, deviceId, adhocSessionId: session.id },
            'cannot delete the one-time device of an ad-hoc session now; it is ephemeral and goes with maintenance',
          );
        },
      ),
  };
  const sessions = createAdhocSessions(deps);
  const portal = createSupportPortal({
    ...deps,
    identity: context.identity,
    agentPackages: context.agentPackages,
    log: context.log,
  });
  watchOneTimeDevices({ ...deps, presence: context.presence, log: context.log });

  registerEndpoint(
    app,
    context.auth,
    adhocSessionEndpoints.create,
    ({ body, principal, request, reply }) => {
      // The answer carries the code.
      noStore(reply);
      return sessions.create(principal.user, body, sourceAddress(request));
    },
  );

  registerEndpoint(app, context.auth, adhocSessionEndpoints.list, async ({ principal }) => ({
    sessions: await sessions.list(principal.user),
  }));

  registerEndpoint(app, context.auth, adhocSessionEndpoints.end, ({ params, principal, request }) =>
    sessions.end(principal.user, params.id, sourceAddress(request)),
  );

  registerEndpoint(app, context.auth, adhocSessionEndpoints.redeem, ({ body, request, reply }) => {
    noStore(reply);
    return portal.redeem(body.code, sourceAddress(request));
  });

  registerEndpoint(app, context.auth, adhocSessionEndpoints.attach, ({ body, request }) =>
    portal.attach(body, sourceAddress(request)),
  );

  registerEndpoint(
    app,
    context.auth,
    adhocSessionEndpoints.download,
    async ({ params, request, reply }) => {
      const file = await portal.openDownload(params, sourceAddress(request));
      await reply
        .header('content-type', file.contentType)
        .header('content-length', String(file.bytes))
        .header('content-disposition', `attachment; filename="${SUPPORT_RUN_FILE}"`)
        .send(file.open());
    },
  );
}
