/** The two database engines behind the `Store` interface. */
export type Engine = 'sqlite' | 'postgres';

/**
 * Whether a driver error is a unique or primary-key violation. The engines report it
 * differently: better-sqlite3 with `SQLITE_CONSTRAINT_*` codes, `pg` with SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
