import { fileURLToPath } from 'node:url';

/**
 * Folder of the built console (`npm run build -w @tether/console`), for the server to serve.
 *
 * @example
 * await startServer({ consoleDir: consoleDistDir });
 */
export const consoleDistDir: string = fileURLToPath(new URL('../dist', import.meta.url));
