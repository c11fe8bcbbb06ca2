import { grantEndpoints, teamEndpoints } from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/auth-service.js';
import type { ServerContext } from '../../ports/server-context.js';
import type { TeamActor } from '../../teams/team-service.js';
import { registerEndpoint } from '../endpoint-route.js';
import type { HttpsApp } from '../https-app.js';
import { sourceAddress } from '../request-context.js';

function actorOf(input: { principal: Principal; request: FastifyRequest }): TeamActor {
  return { username: input.principal.user.username, sourceAddress: sourceAddress(input.request) };
}

/** Teams and grants of rights per device group (issue 12), managed by administrators. */
export function teamRoutes(app: HttpsApp, context: ServerContext): void {
  const { teams } = context;
  registerEndpoint(app, context.auth, teamEndpoints.list, async () => ({
    teams: await teams.list(),
  }));
  registerEndpoint(app, context.auth, teamEndpoints.create, async (input) => ({
    team: await teams.create(input.body, actorOf(input)),
  }));
  registerEndpoint(app, context.auth, teamEndpoints.rename, async (input) => ({
    team: await teams.rename(input.params.id, input.body, actorOf(input)),
  }));
  registerEndpoint(app, context.auth, teamEndpoints.remove, (input) =>
    teams.delete(input.params.id, actorOf(input)),
  );
  registerEndpoint(app, context.auth, teamEndpoints.addMember, async (input) => ({
    team: await teams.addMember(input.params.id, input.params.userId, actorOf(input)),
  }));
  registerEndpoint(app, context.auth, teamEndpoints.removeMember, async (input) => ({
    team: await teams.removeMember(input.params.id, input.params.userId, actorOf(input)),
  }));
  registerEndpoint(app, context.auth, grantEndpoints.list, ({ query }) => teams.listGrants(query));
  registerEndpoint(app, context.auth, grantEndpoints.set, (input) =>
    teams.setGrant(input.body, actorOf(input)),
  );
}
