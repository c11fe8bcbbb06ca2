import type { HttpsApp } from '../https-app.js';
import { EnrollRequest, type EnrollResponse } from '@tether/protocol';
import type { ServerContext } from '../../app/context.js';
import { enrollDevice } from '../../devices/enrollment.js';
import { parseInput, sourceAddress } from '../request-context.js';

/** Endpoints agents call over HTTPS (the control channel itself is a WebSocket, see ws/). */
export function agentRoutes(app: HttpsApp, context: ServerContext): void {
  app.post('/api/v1/agent/enroll', async (request): Promise<EnrollResponse> => {
    const body = parseInput(EnrollRequest, request.body, 'enrolment request');
    return enrollDevice(
      {
        store: context.store,
        clock: context.clock,
        identity: context.identity,
        audit: context.audit,
        tlsFingerprint: context.tls.fingerprint,
      },
      { ...body, sourceAddress: sourceAddress(request) },
    );
  });
}
