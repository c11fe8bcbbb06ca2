import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/**
 * A query whose SQL Kysely builds and compiles once, for the small statements every agent
 * connection runs: building and compiling them cost the server as much CPU as SQLite took to
 * run them (CPU profile of a reconnect storm). `build` is called once with placeholder values
 * (one per argument, each used as a bound value, typed `never` so it fits any column); each call then binds its own arguments in
 * their places. The SQL must not depend on the values (no `IN` list of varying length, no
 * condition added for some values only).
 *
 * @example
 * const byId = compiledOnce(db, 1, (id) => db.selectFrom('devices').selectAll().where('id', '=', id));
 * const rows = await byId('3f2a…');
 */
export function compiledOnce<DB, Row>(
  db: Kysely<DB>,
  arity: number,
  build: (...placeholders: never[]) => Compilable<Row>,
): (...args: unknown[]) => Promise<Row[]> {
  let compiled: { query: CompiledQuery<Row>; slots: number[] } | undefined;
  return async (...args) => {
    if (args.length !== arity)
      throw new Error(`compiledOnce: ${arity} argument(s) expected, got ${args.length}`);
    compiled ??= compile(arity, build);
    const { query, slots } = compiled;
    const parameters = query.parameters.map((value, index) => {
      const slot = slots[index] ?? -1;
      return slot === -1 ? value : args[slot];
    });
    const bound: CompiledQuery<Row> = { ...query, parameters };
    return (await db.executeQuery(bound)).rows;
  };
}

function compile<Row>(
  arity: number,
  build: (...placeholders: never[]) => Compilable<Row>,
): { query: CompiledQuery<Row>; slots: number[] } {
  const placeholders = Array.from({ length: arity }, (_, index) => `\u0000compiled-once ${index}`);
  // Typed `never` for the builder, so that a placeholder fits any column whatever its type.
  const query = build(...(placeholders as never[])).compile();
  const slots = query.parameters.map((value) =>
    typeof value === 'string' ? placeholders.indexOf(value) : -1,
  );
  if (new Set(slots.filter((slot) => slot !== -1)).size !== arity)
    throw new Error('compiledOnce: every argument must be bound in the query');
  return { query, slots };
}

/**
 * An `IN (…)` list for a batch, its length rounded up to a power of two by repeating the last
 * value (a repeat matches nothing more): batches of any size then share a handful of statement
 * texts, which the engines' statement caches keep.
 *
 * @example
 * inList(['a', 'b', 'c']); // ['a', 'b', 'c', 'c']
 */
export function inList<T>(values: readonly T[]): T[] {
  const last = values.at(-1);
  if (last === undefined) return [];
  let length = 1;
  while (length < values.length) length *= 2;
  return [...values, ...Array<T>(length - values.length).fill(last)];
}
