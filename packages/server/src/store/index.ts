export type * from './store.js';
export type { Engine } from './engine.js';
export { openStore, parseStoreUrl, type StoreLocation } from './open-store.js';
export { openSqliteStore } from './sqlite.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres.js';
export { databaseUnavailable, isDatabaseUnavailable } from './unavailable.js';
