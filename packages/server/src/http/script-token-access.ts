import type { FastifyRequest } from 'fastify';
import type { OemCaller } from '../oem/oem-context.js';
import type { OemService } from '../oem/oem-service.js';
import { sourceAddress } from './request-context.js';

/**
 * The integrator behind `Authorization: Bearer <script token>`, for a script-token endpoint.
 * Unknown and revoked tokens are refused (and audited) by the OEM service; the token permission
 * the operation needs is checked there too, after the tenant the body names.
 */
export function authenticateScriptToken(
  oem: Pick<OemService, 'authenticate'>,
  access: { operation: string },
  request: FastifyRequest,
): Promise<OemCaller> {
  return oem.authenticate({
    authorization: request.headers.authorization,
    sourceAddress: sourceAddress(request),
    operation: access.operation,
  });
}
