import type { ServerContext } from '../../app/context.js';
import type { HttpsApp } from '../https-app.js';

export function oemRoutes(_app: HttpsApp, _context: ServerContext): void {
  // Endpoints arrive with the feature.
}
