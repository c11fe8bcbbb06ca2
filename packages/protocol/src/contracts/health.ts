import { z } from 'zod';
import { endpoint } from './endpoint.js';

/** Reply of the health check: the server is up and answering. */
export const HealthStatus = z.object({ ok: z.literal(true) });
export type HealthStatus = z.infer<typeof HealthStatus>;

/** The health check load balancers and monitoring call (no sign-in). */
export const healthEndpoints = {
  check: endpoint({
    id: 'health.check',
    method: 'GET',
    path: '/api/v1/health',
    summary: 'Check that the server answers',
    description:
      'Answers `{ "ok": true }` while the server runs; for load balancers and monitoring, no sign-in needed.',
    access: { kind: 'public' },
    success: { status: 200, body: HealthStatus },
    errors: [],
  }),
};
