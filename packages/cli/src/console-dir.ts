import { fileURLToPath } from 'node:url';

/**
 * Where the console's build lands (packages/console/dist); the server serves it. The same relative
 * path holds from packages/cli/src (tsx) and packages/cli/dist (the bundle).
 */
export const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
