export type * from './store.js';
export type { Engine } from './engine.js';
export { openStore, parseStoreUrl, type StoreLocation } from './open-store.js';
export { openSqliteStore } from './sqlite.js';
// Not openPostgresStore: openStore loads it (and `pg`) only for a PostgreSQL URL.
export type { PostgresStoreOptions } from './postgres.js';
export { databaseUnavailable, isDatabaseUnavailable } from './unavailable.js';
