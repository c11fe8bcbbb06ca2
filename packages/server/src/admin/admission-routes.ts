import { admissionEndpoints } from '@tether/protocol';
import type { ServerContext } from '../ports/server-context.js';
import { registerEndpoint } from '../http/endpoint-route.js';
import type { HttpsApp } from '../http/https-app.js';
import { sourceAddress } from '../http/request-context.js';
import { writeAdmissionSettings } from '../devices/admission-settings.js';

/**
 * Connection admission of agents on the admin listener. A new rate applies to the next
 * agent connection; agents already connected keep theirs, agents waiting keep the slot given.
 */
export function admissionAdminRoutes(app: HttpsApp, context: ServerContext): void {
  registerEndpoint(app, context.auth, admissionEndpoints.get, () =>
    Promise.resolve(context.admission.view()),
  );
  registerEndpoint(
    app,
    context.auth,
    admissionEndpoints.set,
    async ({ body, principal, request }) => {
      const before = context.admission.settings();
      const saved = await writeAdmissionSettings(context.store, body);
      await context.admission.reload();
      await context.audit.record({
        action: 'settings.changed',
        actor: principal.user.username,
        target: 'admission',
        sourceAddress: sourceAddress(request),
        details: { ...saved, previous: before },
      });
      return context.admission.view();
    },
  );
}
