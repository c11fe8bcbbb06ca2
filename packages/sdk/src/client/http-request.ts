import { AppError, ErrorBody, type ErrorCode } from '@tether/protocol';

/** The subset of a zod schema the client needs: parse untrusted JSON without casting. */
export interface ReplySchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/**
 * A schema for `{ [key]: T }` replies such as `{ device }`, built from the protocol's schema of T.
 *
 * @example
 * const DeviceReply = wrapped('device', Device);
 */
export function wrapped<T>(key: string, inner: ReplySchema<T>): ReplySchema<T> {
  return {
    safeParse(value) {
      if (typeof value !== 'object' || value === null) return { success: false };
      const field: unknown = Reflect.get(value, key);
      return inner.safeParse(field);
    },
  };
}

/** How the client reaches the server; built once by `createTetherClient`. */
export interface HttpTransport {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly headers: Readonly<Record<string, string>>;
}

/** One call: method, path under the base URL, optional JSON body. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** A raw body instead of JSON: an upload endpoint's file. */
  upload?: { contentType: string; data: Blob | Uint8Array<ArrayBuffer> };
}

/** Status → code, for error replies that carry no valid `ErrorBody` (a proxy's HTML page, say). */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'AUTH_REQUIRED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 422 || status === 400) return 'INVALID_INPUT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  return 'INTERNAL';
}

async function errorFromReply(reply: Response, spec: RequestSpec): Promise<AppError> {
  const text = await reply.text().catch((error: unknown) => String(error));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: something between us and the server answered; fall through to the status.
    json = undefined;
  }
  const parsed = ErrorBody.safeParse(json);
  if (parsed.success) {
    return new AppError(parsed.data.code, parsed.data.message, parsed.data.details);
  }
  const status = [String(reply.status), reply.statusText].filter(Boolean).join(' ');
  return new AppError(
    codeForStatus(reply.status),
    `${spec.method} ${spec.path} failed with HTTP ${status}.`,
  );
}

/**
 * Sends one request and returns the successful `Response`; every failure becomes an `AppError`
 * (network errors are `UNAVAILABLE` with a hint, error replies keep the server's code).
 *
 * @example
 * const reply = await send(transport, { method: 'DELETE', path: `/api/v1/sessions/${id}` });
 */
export async function send(transport: HttpTransport, spec: RequestSpec): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...transport.headers };
  const init: RequestInit = { method: spec.method, headers, credentials: 'same-origin' };
  if (spec.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(spec.body);
  }
  if (spec.upload !== undefined) {
    headers['content-type'] = spec.upload.contentType;
    init.body = spec.upload.data;
  }
  const url = `${transport.baseUrl}${spec.path}`;
  let reply: Response;
  try {
    reply = await transport.fetch(url, init);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = transport.baseUrl === '' ? 'the Tether server' : transport.baseUrl;
    throw new AppError(
      'UNAVAILABLE',
      `Cannot reach ${where} (${reason}). Check that the server is running and reachable, then try again.`,
    );
  }
  if (!reply.ok) throw await errorFromReply(reply, spec);
  return reply;
}

/**
 * Sends a request and validates the JSON reply against a protocol schema.
 *
 * @example
 * const { user } = await requestJson(transport, { method: 'GET', path: '/api/v1/auth/me' }, LoginResponse);
 */
export async function requestJson<T>(
  transport: HttpTransport,
  spec: RequestSpec,
  schema: ReplySchema<T>,
): Promise<T> {
  const reply = await send(transport, spec);
  let json: unknown;
  try {
    json = await reply.json();
  } catch {
    throw unexpectedReply(spec, 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw unexpectedReply(spec, 'the body does not match the API schema');
  return parsed.data;
}

/**
 * Sends a request that answers with no body (204) or a body the caller ignores.
 *
 * @example
 * await requestVoid(transport, { method: 'POST', path: '/api/v1/auth/logout' });
 */
export async function requestVoid(transport: HttpTransport, spec: RequestSpec): Promise<void> {
  const reply = await send(transport, spec);
  // Drain the body so the connection can be reused.
  await reply.arrayBuffer();
}

/**
 * Sends a request and returns the reply as text (asciicast, NDJSON export).
 *
 * @example
 * const cast = await requestText(transport, { method: 'GET', path: `/api/v1/recordings/${id}/content` });
 */
export async function requestText(transport: HttpTransport, spec: RequestSpec): Promise<string> {
  const reply = await send(transport, spec);
  return reply.text();
}

function unexpectedReply(spec: RequestSpec, why: string): AppError {
  return new AppError(
    'INTERNAL',
    `Unexpected reply to ${spec.method} ${spec.path}: ${why}. The server and console versions may differ; reload the page.`,
  );
}
