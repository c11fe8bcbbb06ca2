import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import type { Permission } from '../api/permissions.js';
import type { OemPermission } from '../api/oem.js';

/**
 * Who may call an endpoint: anyone; a signed-in user with a permission; or an integrator's
 * script token (O-1) allowed the named OEM operation. The OpenAPI document maps each kind to a
 * security scheme (`consoleSession`, `scriptToken`).
 *
 * A script-token endpoint names its `operation` (the word the audit log records) and, when the
 * token must carry one, the token `permission` it needs; the service checks that permission
 * after the token's tenant, so a token of another tenant is refused the same way with or without it.
 */
export type EndpointAccess =
  | { kind: 'public' }
  | {
      kind: 'user';
      permission: Permission;
      /**
       * Open to a user who must change their password (signing out, who am I, changing it);
       * every other user endpoint answers them `PASSWORD_CHANGE_REQUIRED`.
       */
      duringPasswordChange?: true;
      /**
       * Open to a user whose role requires a second factor they have not enrolled yet (enrolment,
       * signing out, who am I); every other user endpoint answers them `SECOND_FACTOR_REQUIRED`.
       */
      duringSecondFactorEnrolment?: true;
    }
  | { kind: 'scriptToken'; operation: string; permission?: OemPermission };

/** The listeners an endpoint may be served on (see `Endpoint.listener`). */
export type EndpointListener = 'admin' | 'both';

/** Whether the user listener serves the endpoint: every one but the admin-only ones. */
export function isOnUserListener(target: { listener?: EndpointListener }): boolean {
  return target.listener !== 'admin';
}

/** Whether the admin listener serves the endpoint: the admin-only and the shared ones. */
export function isOnAdminListener(target: { listener?: EndpointListener }): boolean {
  return target.listener !== undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP endpoint, defined once: the server registers its route from it, the SDK calls it
 * through it, and the OpenAPI document describes it from it.
 */
export interface Endpoint<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Response extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** Stable name, `area.action` (also the OpenAPI operationId). */
  readonly id: string;
  readonly method: HttpMethod;
  /** Fastify-style path: `/api/v1/installers/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: EndpointAccess;
  /**
   * Which listener serves it. Absent: the user listener only. `admin`: the admin listener only
   * (`/conf`, reached from localhost and the trusted networks), with a `/conf/api/…` path.
   * `both`: the same route on both (signing in and out, who am I, the forced password change:
   * what the admin console needs before its own endpoints), with its `/api/v1/…` path.
   */
  readonly listener?: EndpointListener;
  /** What the input describes, for error messages: "Invalid installer: group: …". */
  readonly subject?: string;
  readonly params?: Params;
  readonly query?: Query;
  readonly body?: Body;
  /**
   * A raw request body instead of JSON: an uploaded file, streamed to disk by the route (never
   * held in memory), refused past `maxBytes`. Callers send it as `upload`.
   */
  readonly upload?: { readonly contentType: string; readonly maxBytes: number };
  /**
   * The success status and its JSON body (`undefined`: no JSON body — a 204, a redirect (302,
   * `Location` header), or a download whose `contentType` is given). `noStore`: the answer
   * carries a secret, so it is sent with `Cache-Control: no-store`. `description`: what the
   * answer is, for the API document.
   */
  readonly success: {
    status: 200 | 201 | 204 | 302;
    body: Response;
    contentType?: string;
    noStore?: boolean;
    description?: string;
  };
  /** Error codes this endpoint answers with besides the ones every endpoint may give. */
  readonly errors: readonly ErrorCode[];
}

/** Any endpoint, whatever its schemas (readonly fields make narrower schemas assignable). */
export type AnyEndpoint = Endpoint;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type Sent<S> = S extends z.ZodType ? z.input<S> : undefined;

/** The typed input a route handler receives: parsed params, query and body. */
export interface EndpointInput<E extends AnyEndpoint> {
  params: Parsed<E['params']>;
  query: Parsed<E['query']>;
  body: Parsed<E['body']>;
}

/** The bytes of an upload endpoint's request (a browser `File` is a `Blob`). */
export type UploadBody = Blob | Uint8Array<ArrayBuffer>;

/** What a caller sends: only the parts the endpoint has, as JSON before parsing. */
export type EndpointRequest<E extends AnyEndpoint> = (E['upload'] extends object
  ? { upload: UploadBody }
  : { upload?: undefined }) &
  (E['params'] extends z.ZodType ? { params: Sent<E['params']> } : { params?: undefined }) &
  (E['query'] extends z.ZodType ? { query?: Sent<E['query']> } : { query?: undefined }) &
  (E['body'] extends z.ZodType ? { body: Sent<E['body']> } : { body?: undefined });

/** The success body of an endpoint (`void` when it has none). */
export type EndpointResponse<E extends AnyEndpoint> = E['success']['body'] extends z.ZodType
  ? z.output<E['success']['body']>
  : // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- handlers of 204 endpoints return Promise<void>
    void;

/** A path or query value as text; objects have no URL form and are a caller's mistake. */
export function urlValue(value: unknown, name: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`"${name}" must be a string, number or boolean in a URL`);
}

/**
 * Defines an endpoint; the identity function that keeps every literal type.
 *
 * @example
 * export const revokeInstaller = endpoint({
 *   id: 'installers.revoke', method: 'DELETE', path: '/api/v1/installers/:id',
 *   summary: 'Revoke an installer', access: { kind: 'user', permission: 'installers.manage' },
 *   params: z.object({ id: InstallerId }), success: { status: 204, body: undefined },
 *   errors: ['NOT_FOUND'],
 * });
 */
export function endpoint<const E extends AnyEndpoint>(definition: E): E {
  return definition;
}

/**
 * The concrete path of a call: `:name` segments replaced by the encoded params.
 *
 * @example
 * endpointPath(revokeInstaller, { id: 'b1…' }) // '/api/v1/installers/b1…'
 */
export function endpointPath(target: AnyEndpoint, params: Record<string, unknown> = {}): string {
  return target.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${target.id}: missing path parameter "${name}"`);
    return encodeURIComponent(urlValue(value, name));
  });
}
