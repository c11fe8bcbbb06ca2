import { policyEndpoints } from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../ports/server-context.js';
import type { PolicyActor } from '../../policies/policy-service.js';
import type { Principal } from '../../auth/auth-service.js';
import { registerEndpoint } from '../endpoint-route.js';
import { authorizeAssignmentChange } from '../../rights/policy-assignment-rights.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

/** Who changed a policy, for its audit entry. */
function actorOf(input: { principal: Principal; request: FastifyRequest }): PolicyActor {
  return { username: input.principal.user.username, sourceAddress: sourceAddress(input.request) };
}

/** Policies are read and changed by administrators (a device's effective policy: device-routes). */
export function policyRoutes(app: HttpsApp, context: ServerContext): void {
  const { policies } = context;

  registerEndpoint(app, context.auth, policyEndpoints.list, async () => ({
    policies: await policies.list(),
  }));

  registerEndpoint(app, context.auth, policyEndpoints.create, async (input) => ({
    policy: await policies.create(input.body, actorOf(input)),
  }));

  registerEndpoint(app, context.auth, policyEndpoints.get, async ({ params }) => ({
    policy: await policies.get(params.id),
  }));

  registerEndpoint(app, context.auth, policyEndpoints.update, async (input) => ({
    policy: await policies.update(input.params.id, input.body, actorOf(input)),
  }));

  registerEndpoint(app, context.auth, policyEndpoints.remove, (input) =>
    policies.remove(input.params.id, actorOf(input)),
  );

  registerEndpoint(app, context.auth, policyEndpoints.setAssignments, async (input) => {
    await authorizeAssignmentChange(context, {
      user: input.principal.user,
      before: (await policies.get(input.params.id)).assignments,
      after: input.body.assignments,
      context: { sourceAddress: sourceAddress(input.request) },
    });
    return { policy: await policies.setAssignments(input.params.id, input.body, actorOf(input)) };
  });
}
