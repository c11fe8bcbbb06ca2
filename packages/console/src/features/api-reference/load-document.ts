import { AppError, ErrorBody, apiReferenceEndpoints } from '@tether/protocol';

/** Where the server serves its OpenAPI document (the download link points here too). */
export const OPENAPI_PATH = apiReferenceEndpoints.openapi.path;

/**
 * Fetches the server's OpenAPI document as parsed JSON. A refusal becomes the server's
 * `AppError`, anything else an error that says what was fetched.
 *
 * @example
 * const document = await loadOpenApiDocument();
 */
export async function loadOpenApiDocument(): Promise<unknown> {
  const response = await fetch(OPENAPI_PATH, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ErrorBody.safeParse(body);
    if (error.success) throw new AppError(error.data.code, error.data.message);
    throw new Error(`the server answered ${response.status} for ${OPENAPI_PATH}`);
  }
  if (body === undefined) throw new Error(`${OPENAPI_PATH} is not JSON`);
  return body;
}
