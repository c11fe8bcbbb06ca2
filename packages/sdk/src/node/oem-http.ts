import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  AppError,
  ErrorBody,
  type AnyEndpoint,
  type EndpointRequest,
  type EndpointResponse,
  type ErrorCode,
} from '@tether/protocol';
import { endpointRequest } from '../client/call-endpoint.js';
import type { RequestSpec } from '../client/http-request.js';

/** Where and how the OEM client talks to the server. */
export interface OemTransport {
  /** Origin of the Tether server, e.g. `https://support.example.com`. */
  baseUrl: string;
  /** A script token of the tenant (`Authorization: Bearer`). */
  token: string;
  /** PEM of the CA (or self-signed certificate) to trust instead of the system's. */
  ca?: string | undefined;
  /** Per-request time limit; 60 s by default (creating a device key takes the device a moment). */
  timeoutMs?: number | undefined;
}

/** One reply: status and body text. */
interface RawReply {
  status: number;
  text: string;
}

function codeForStatus(status: number): ErrorCode {
  const codes: Record<number, ErrorCode> = {
    401: 'AUTH_REQUIRED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    409: 'CONFLICT',
    422: 'INVALID_INPUT',
    400: 'INVALID_INPUT',
    429: 'RATE_LIMITED',
    502: 'UNAVAILABLE',
    503: 'UNAVAILABLE',
    504: 'UNAVAILABLE',
  };
  return codes[status] ?? 'INTERNAL';
}

/**
 * Node's own HTTP client rather than `fetch`: it trusts the integrator's CA for this request
 * only, where `fetch` would need a dispatcher from an extra dependency.
 */
function send(transport: OemTransport, spec: RequestSpec): Promise<RawReply> {
  const url = new URL(spec.path, transport.baseUrl);
  const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: spec.method,
        ...(transport.ca ? { ca: transport.ca } : {}),
        timeout: transport.timeoutMs ?? 60_000,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${transport.token}`,
          ...(payload === undefined
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page, an empty 204): callers decide from the status.
    return undefined;
  }
}

/**
 * Calls one endpoint of the integration API through its contract with the script token: the
 * path comes from the contract, the reply is validated against its success schema. Failures
 * are `AppError`s that keep the server's code and message; network failures are `UNAVAILABLE`.
 * The token never appears in an error.
 *
 * @example
 * const reply = await callOemEndpoint(transport, oemDeviceEndpoints.requestControl, { body });
 */
export async function callOemEndpoint<E extends AnyEndpoint>(
  transport: OemTransport,
  target: E,
  request: EndpointRequest<E>,
): Promise<EndpointResponse<E>> {
  const spec = endpointRequest(target, request);
  let reply: RawReply;
  try {
    reply = await send(transport, spec);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'UNAVAILABLE',
      `Cannot reach ${transport.baseUrl} (${reason}); check the URL and the CA, then retry.`,
    );
  }
  const json = parseJson(reply.text);
  if (reply.status < 200 || reply.status > 299) {
    const error = ErrorBody.safeParse(json);
    if (error.success) throw new AppError(error.data.code, error.data.message, error.data.details);
    throw new AppError(
      codeForStatus(reply.status),
      `${spec.method} ${spec.path} failed with HTTP ${reply.status}.`,
    );
  }
  const schema = target.success.body;
  if (schema === undefined) return undefined as EndpointResponse<E>;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      'INTERNAL',
      `Unexpected reply to ${spec.method} ${spec.path}; the server and SDK versions may differ.`,
    );
  }
  return parsed.data as EndpointResponse<E>;
}
