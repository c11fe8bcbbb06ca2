import type { ServerConfig, Store, createAuditLog } from '@tether/server';

/**
 * Opens a server's store directly from its data directory, for headless administration
 * (S-3) while the server runs or not. The callback's result is returned; the store is closed.
 */
export async function withStore<T>(
  config: ServerConfig,
  work: (deps: { store: Store; audit: ReturnType<typeof createAuditLog> }) => Promise<T>,
): Promise<T> {
  const { createAuditLog, createLogger, databaseUrl, openStore, systemClock } =
    await import('@tether/server');
  const store = await openStore(databaseUrl(config));
  try {
    const log = createLogger({ level: 'silent' });
    return await work({ store, audit: createAuditLog({ store, clock: systemClock, log }) });
  } finally {
    await store.close();
  }
}

/** Reads all of standard input (for `--password-stdin`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
