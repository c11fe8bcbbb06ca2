import { agentEndpoints } from '@tether/protocol';
import { presentedFingerprint } from '../../keys/tls.js';
import type { ServerContext } from '../../ports/server-context.js';
import { enrollDevice } from '../../devices/enrollment.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** Endpoints agents call over HTTPS (the control channel itself is a WebSocket, see ws/). */
export function agentRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, agentEndpoints.enroll, ({ body, request }) =>
    enrollDevice(
      {
        store: context.store,
        clock: context.clock,
        keys: context.serverKeys,
        audit: context.audit,
        // The certificate this agent saw: the listeners' one can change while the server runs.
        tlsFingerprint: presentedFingerprint(request.raw.socket, context.tls.fingerprint),
        behindProxy: context.proxy.behindProxy(),
      },
      { ...body, sourceAddress: sourceAddress(request) },
    ),
  );
}
