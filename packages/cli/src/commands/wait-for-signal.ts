/**
 * Resolves on SIGINT or SIGTERM, so the caller can shut down cleanly. Its own file: the agent
 * package's bundle imports it, and must not pull in the server command (and with it the server).
 */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
