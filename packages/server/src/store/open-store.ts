import { AppError } from '@tether/protocol';
import type { PostgresStoreOptions } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Where a database URL points. */
export type StoreLocation =
  { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/**
 * Reads a `--database` value: `postgres://…` or `postgresql://…` is PostgreSQL; `sqlite:…`
 * (`sqlite:/abs/file.db`, `sqlite:///abs/file.db`, `sqlite:rel.db`, `sqlite::memory:`) or a
 * plain file path is SQLite. Anything else is refused with the forms that work.
 *
 * @example
 * parseStoreUrl('sqlite:/var/lib/tether/tether.db'); // { engine: 'sqlite', file: '/var/lib/tether/tether.db' }
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { engine: 'postgres', url: trimmed };
  const sqlite = /^sqlite:(.*)$/i.exec(trimmed);
  if (sqlite) {
    // `sqlite:///abs` is the URL spelling of `/abs`; `sqlite://rel` has no host to mean anything else.
    const file = (sqlite[1] ?? '').replace(/^\/\//, '');
    if (file !== '') return { engine: 'sqlite', file };
  }
  // One letter before the colon is a Windows drive (`C:\data\tether.db`), not a scheme.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed)?.[1];
  if (sqlite || scheme !== undefined || trimmed === '') {
    const shown = scheme === undefined ? JSON.stringify(trimmed) : `"${scheme}:…"`;
    throw new AppError(
      'INVALID_INPUT',
      `Unsupported database ${shown}: use a file path or sqlite:/path/to/tether.db for SQLite, ` +
        'or postgres://user:password@host:5432/database for PostgreSQL.',
    );
  }
  return { engine: 'sqlite', file: trimmed };
}

/**
 * Opens the store a database URL names (see {@link parseStoreUrl}) and migrates it.
 *
 * @example
 * const store = await openStore(config.database);
 */
export async function openStore(
  url: string,
  options: Omit<PostgresStoreOptions, 'url'> = {},
): Promise<Store> {
  const location = parseStoreUrl(url);
  if (location.engine === 'sqlite') return openSqliteStore({ file: location.file });
  // `pg` is loaded only for PostgreSQL: from its import on it costs ~13 MiB resident, which a
  // SQLite server would carry for nothing.
  const { openPostgresStore } = await import('./postgres.js');
  return openPostgresStore({ ...options, url: location.url });
}
