import {
  endpointPath,
  urlValue,
  type AnyEndpoint,
  type EndpointRequest,
  type EndpointResponse,
} from '@tether/protocol';
import {
  requestJson,
  requestText,
  requestVoid,
  type HttpTransport,
  type RequestSpec,
} from './http-request.js';

function queryString(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.set(key, urlValue(value, key));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The method, path and body of one call of an endpoint contract. */
export function endpointRequest<E extends AnyEndpoint>(
  target: E,
  request: EndpointRequest<E>,
): RequestSpec {
  const query = request.query as Record<string, unknown> | undefined;
  const params = request.params as Record<string, unknown> | undefined;
  return {
    method: target.method,
    path: `${endpointPath(target, params)}${queryString(query)}`,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.upload === undefined || target.upload === undefined
      ? {}
      : { upload: { contentType: target.upload.contentType, data: request.upload } }),
  };
}

/**
 * Calls one endpoint through its contract: the path is built from its params, the body sent as
 * JSON, and the reply validated against the contract's success schema.
 *
 * @example
 * const { installers } = await callEndpoint(transport, installerEndpoints.list, {});
 */
export async function callEndpoint<E extends AnyEndpoint>(
  transport: HttpTransport,
  target: E,
  request: EndpointRequest<E>,
): Promise<EndpointResponse<E>> {
  const spec = endpointRequest(target, request);
  const schema = target.success.body;
  if (schema === undefined) {
    await requestVoid(transport, spec);
    return undefined as EndpointResponse<E>;
  }
  return requestJson(transport, spec, schema) as Promise<EndpointResponse<E>>;
}

/**
 * Calls an endpoint whose success is a download (NDJSON, asciicast) and returns its text.
 *
 * @example
 * const ndjson = await callEndpointText(transport, auditEndpoints.export, {});
 */
export function callEndpointText<E extends AnyEndpoint>(
  transport: HttpTransport,
  target: E,
  request: EndpointRequest<E>,
): Promise<string> {
  return requestText(transport, endpointRequest(target, request));
}
