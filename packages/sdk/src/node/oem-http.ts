import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError, ErrorBody, type ErrorCode } from '@tether/protocol';

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

function send(
  transport: OemTransport,
  method: string,
  path: string,
  body: unknown,
): Promise<RawReply> {
  const url = new URL(path, transport.baseUrl);
  const payload = JSON.stringify(body);
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(transport.ca ? { ca: transport.ca } : {}),
        timeout: transport.timeoutMs ?? 60_000,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${transport.token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
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

/** The subset of a zod schema the client needs. */
export interface BodySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** One call: method, path under the base URL, JSON body. */
export interface OemCall {
  method: 'POST' | 'DELETE';
  path: string;
  body: unknown;
}

/**
 * Calls one endpoint of the integration API and returns the parsed JSON body. Failures are
 * `AppError`s that keep the server's code and message; network failures are `UNAVAILABLE`.
 * The token never appears in an error.
 *
 * @example
 * await callOemRaw(transport, { method: 'DELETE', path: '/api/v1/oem/devices', body });
 */
export async function callOemRaw(transport: OemTransport, call: OemCall): Promise<unknown> {
  let reply: RawReply;
  try {
    reply = await send(transport, call.method, call.path, call.body);
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
      `${call.method} ${call.path} failed with HTTP ${reply.status}.`,
    );
  }
  return json;
}

/**
 * Calls one endpoint and validates its JSON reply against a protocol schema.
 *
 * @example
 * const reply = await callOemJson(transport, { method: 'POST', path: '/api/v1/oem/devices/requestcontrol', body }, RequestControlResponse);
 */
export async function callOemJson<T>(
  transport: OemTransport,
  call: OemCall,
  schema: BodySchema<T>,
): Promise<T> {
  const parsed = schema.safeParse(await callOemRaw(transport, call));
  if (!parsed.success) {
    throw new AppError(
      'INTERNAL',
      `Unexpected reply to ${call.method} ${call.path}; the server and SDK versions may differ.`,
    );
  }
  return parsed.data;
}
