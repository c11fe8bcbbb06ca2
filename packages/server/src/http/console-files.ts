import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { HttpsApp } from './https-app.js';

/**
 * The console's built files, or undefined when they are not there (`npm run build:console` was
 * not run): the listeners then answer with a line saying so.
 */
export function builtConsoleDir(consoleDir: string | undefined): string | undefined {
  return consoleDir !== undefined && existsSync(join(consoleDir, 'index.html'))
    ? consoleDir
    : undefined;
}

/** What a listener answers in place of the console when it is not built. */
export const CONSOLE_NOT_BUILT =
  'The Tether console is not built. Run `npm run build:console`, then reload.';

/**
 * Serves the console's files from the root of a listener (`/assets/…`; the app's HTML is sent
 * by the listener's History-API fallback). The same bundle on both listeners: the admin
 * listener's `/conf` paths put it in admin mode.
 */
export async function serveConsoleFiles(
  app: HttpsApp,
  consoleDir: string,
  options: { index: boolean },
): Promise<void> {
  await app.register(fastifyStatic, {
    root: consoleDir,
    wildcard: false,
    index: options.index ? 'index.html' : false,
  });
}

/**
 * The console's Content-Security-Policy, on both listeners. Scripts and styles only from our
 * origin: an injected string cannot run code; it cannot open a WebSocket to anywhere but this
 * server either.
 */
export function consoleCsp(webSocketOrigins: string): string {
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ${webSocketOrigins}; frame-ancestors 'none'`;
}
