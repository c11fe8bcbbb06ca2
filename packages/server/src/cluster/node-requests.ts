import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TLSSocket } from 'node:tls';
import { toBase64Url } from '@tether/protocol';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { ServerIdentity } from '../keys/server-identity.js';

const REQUEST_HEADER = 'x-tether-node-request';
const SIGNATURE_HEADER = 'x-tether-node-signature';
/** A node's signed request is accepted this long after it was made. */
const REQUEST_FRESH_MS = 30_000;
/** A node that stops sending for this long while answering has failed. */
const NODE_IDLE_MS = 30_000;

/**
 * The headers of a request one node makes to another: what it asks (JSON with the time it was
 * made, `at`), signed with the server identity every node of a cluster holds. Requests between
 * nodes carry no login: the node asking checked the user's right already.
 */
export function signedNodeRequest(
  identity: ServerIdentity,
  request: { at: number; [field: string]: unknown },
): Record<string, string> {
  const text = Buffer.from(JSON.stringify(request)).toString('base64url');
  return { [REQUEST_HEADER]: text, [SIGNATURE_HEADER]: identity.sign(text) };
}

/**
 * What another node asks in a request made by {@link signedNodeRequest}: undefined unless it is
 * signed by this cluster's identity, fresh, and of `schema` (each kind of request has its own,
 * so a request signed for one purpose is never taken for another).
 */
export function verifiedNodeRequest<T extends { at: number }>(
  deps: { identity: ServerIdentity; clock: Clock },
  headers: IncomingHttpHeaders,
  schema: z.ZodType<T>,
): T | undefined {
  const text = headers[REQUEST_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof text !== 'string' || typeof signature !== 'string') return undefined;
  if (!deps.identity.verify(text, Buffer.from(signature, 'base64url'))) return undefined;
  let parsed: z.ZodSafeParseResult<T>;
  try {
    parsed = schema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const age = Math.abs(deps.clock.now().getTime() - parsed.data.at);
  return age <= REQUEST_FRESH_MS ? parsed.data : undefined;
}

/**
 * The fingerprint of the certificate the other end of a client socket served. Nodes share their
 * keys folder, so a node must serve this node's own certificate: that is the pin, not a CA.
 */
export function servedFingerprint(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return undefined;
  return toBase64Url(createHash('sha256').update(certificate.raw).digest());
}

/**
 * GETs `path` from another node with a signed request, over TLS pinned to `fingerprint`.
 * Resolves with the response (its body not read yet); rejects when the node cannot be reached,
 * serves another certificate, or stops answering.
 */
export function getFromNode(input: {
  identity: ServerIdentity;
  fingerprint: string;
  nodeUrl: string;
  path: string;
  request: { at: number; [field: string]: unknown };
}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(new URL(input.path, input.nodeUrl), {
      headers: signedNodeRequest(input.identity, input.request),
      // Pinned below to the certificate every node serves, not checked against a CA and a host.
      rejectUnauthorized: false,
      agent: false,
      timeout: NODE_IDLE_MS,
    });
    request.once('response', (response) => {
      if (servedFingerprint(response.socket) !== input.fingerprint) {
        response.destroy();
        reject(new Error(`${input.nodeUrl} served another certificate than this cluster's`));
        return;
      }
      resolve(response);
    });
    request.once('timeout', () => request.destroy(new Error(`${input.nodeUrl} stopped answering`)));
    request.once('error', reject);
    request.end();
  });
}
