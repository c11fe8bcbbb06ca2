import { AppError } from '../app-error.js';

/** The placeholder in a control URL template that the integrator replaces with the master secret. */
export const MASTER_SECRET_PLACEHOLDER = 'YOUR_MASTER_SECRET';

/**
 * Fills a control URL template (from `requestcontrol`) with the base64url master secret.
 * Throws `INVALID_INPUT` when the template has no placeholder or the secret is not base64url,
 * so a malformed link is caught before anyone opens it.
 *
 * @example
 * fillConnectUrl('https://support.example.com/oem/connect?s=YOUR_MASTER_SECRET', masterSecret);
 */
export function fillConnectUrl(template: string, masterSecret: string): string {
  if (!template.includes(MASTER_SECRET_PLACEHOLDER)) {
    throw new AppError(
      'INVALID_INPUT',
      `The URL template has no ${MASTER_SECRET_PLACEHOLDER} placeholder; pass the url_template of the requestcontrol reply unchanged.`,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(masterSecret)) {
    throw new AppError(
      'INVALID_INPUT',
      'The master secret must be unpadded base64url text; compute it with computeMasterSecret.',
    );
  }
  return template.split(MASTER_SECRET_PLACEHOLDER).join(masterSecret);
}
