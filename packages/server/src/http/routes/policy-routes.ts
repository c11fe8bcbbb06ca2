import {
  CreatePolicyRequest,
  DeviceId,
  PolicyId,
  SetPolicyAssignmentsRequest,
  UpdatePolicyRequest,
  type EffectivePolicyView,
  type PolicyList,
} from '@tether/protocol';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../ports/server-context.js';
import type { PolicyActor } from '../../policies/policy-service.js';
import type { HttpsApp } from '../https-app.js';
import { parseInput, requireUser, sourceAddress } from '../request-context.js';

/** Policies are read and changed by administrators; any signed-in user sees a device's effective policy. */
export function policyRoutes(app: HttpsApp, context: ServerContext): void {
  const { policies } = context;
  const administrator = async (request: FastifyRequest): Promise<PolicyActor> => {
    const principal = await requireUser(context.auth, request, ['administrator']);
    return { username: principal.user.username, sourceAddress: sourceAddress(request) };
  };
  const policyId = (request: FastifyRequest) =>
    parseInput(PolicyId, (request.params as { id: string }).id, 'policy ID');

  app.get('/api/v1/policies', async (request): Promise<PolicyList> => {
    await administrator(request);
    return { policies: await policies.list() };
  });

  app.post('/api/v1/policies', async (request, reply) => {
    const actor = await administrator(request);
    const body = parseInput(CreatePolicyRequest, request.body, 'policy');
    void reply.status(201);
    return { policy: await policies.create(body, actor) };
  });

  app.get('/api/v1/policies/:id', async (request) => {
    await administrator(request);
    return { policy: await policies.get(policyId(request)) };
  });

  app.put('/api/v1/policies/:id', async (request) => {
    const actor = await administrator(request);
    const id = policyId(request);
    const body = parseInput(UpdatePolicyRequest, request.body, 'policy');
    return { policy: await policies.update(id, body, actor) };
  });

  app.delete('/api/v1/policies/:id', async (request, reply) => {
    const actor = await administrator(request);
    await policies.remove(policyId(request), actor);
    return reply.status(204).send();
  });

  app.put('/api/v1/policies/:id/assignments', async (request) => {
    const actor = await administrator(request);
    const id = policyId(request);
    const body = parseInput(SetPolicyAssignmentsRequest, request.body, 'policy assignments');
    return { policy: await policies.setAssignments(id, body, actor) };
  });

  app.get('/api/v1/devices/:id/effective-policy', async (request): Promise<EffectivePolicyView> => {
    await requireUser(context.auth, request);
    const id = parseInput(DeviceId, (request.params as { id: string }).id, 'device ID');
    return policies.explain(id);
  });
}
