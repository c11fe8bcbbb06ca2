import { wakeEndpoints } from '@tether/protocol';
import type { ServerContext } from '../../ports/server-context.js';
import { wakeDevice } from '../../wake/wake-devices.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** `POST /api/v1/devices/:id/wake`: whoever may see the device and open sessions. */
export function wakeRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(
    app,
    context.auth,
    wakeEndpoints.wake,
    async ({ params, body, principal, request }) => {
      const from = sourceAddress(request);
      await context.rights.authorize(principal.user, params.id, 'device.view', {
        sourceAddress: from,
      });
      return wakeDevice(
        context,
        params.id,
        { username: principal.user.username, sourceAddress: from },
        body.secureOn === undefined ? {} : { secureOn: body.secureOn },
      );
    },
  );
}
