import { fileURLToPath } from 'node:url';

/** Where the console's build lands (packages/console/dist); the server serves it. */
export const consoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));
