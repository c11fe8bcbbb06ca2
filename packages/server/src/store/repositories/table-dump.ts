import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';
import type { Database } from '../schema.js';
import type { TableDumpRepository, TableRow } from '../store.js';

/** Rows read per query while dumping: bounded memory for a table of any size. */
const PAGE_ROWS = 1000;

/**
 * Every table's content, engine-neutral (backup and restore, S-8): rows as JSON values, whole
 * numbers as numbers on both engines (PostgreSQL hands `bigint` back as text).
 */
export function createTableDumpRepository(
  db: Kysely<Database>,
  engine: Engine,
): TableDumpRepository {
  // The schema is dynamic here: tables are named at run time.
  const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;

  async function columnsOf(): Promise<
    Map<string, { name: string; isInteger: boolean; isSerial: boolean }[]>
  > {
    const tables = await db.introspection.getTables();
    return new Map(
      tables.map((table) => [
        table.name,
        table.columns.map((column) => ({
          name: column.name,
          isInteger: /int|serial/i.test(column.dataType),
          isSerial: column.isAutoIncrementing,
        })),
      ]),
    );
  }

  /** Child table → the tables its foreign keys reference. */
  async function references(): Promise<{ child: string; parent: string }[]> {
    if (engine === 'sqlite') {
      const tables = [...(await columnsOf()).keys()];
      const pairs: { child: string; parent: string }[] = [];
      for (const child of tables) {
        const { rows } = await sql<{ table: string }>`
          select "table" from pragma_foreign_key_list(${child})`.execute(db);
        pairs.push(...rows.map((row) => ({ child, parent: row.table })));
      }
      return pairs;
    }
    const { rows } = await sql<{ child: string; parent: string }>`
      select distinct tc.table_name as child, ccu.table_name as parent
      from information_schema.table_constraints tc
      join information_schema.constraint_column_usage ccu
        on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
      where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(db);
    return rows;
  }

  /** Tables with parents before children, so inserting in this order meets every foreign key. */
  async function orderedTables(): Promise<string[]> {
    const tables = [...(await columnsOf()).keys()].sort();
    const edges = (await references()).filter((edge) => edge.child !== edge.parent);
    const ordered: string[] = [];
    const placed = new Set<string>();
    while (ordered.length < tables.length) {
      const next = tables.find(
        (table) =>
          !placed.has(table) &&
          edges.every((edge) => edge.child !== table || placed.has(edge.parent)),
      );
      if (next === undefined) throw new Error('The tables reference each other in a cycle.');
      ordered.push(next);
      placed.add(next);
    }
    return ordered;
  }

  return {
    async migrations() {
      const { rows } = await sql<{ name: string }>`
        select name from kysely_migration order by name`.execute(db);
      return rows.map((row) => row.name);
    },

    tables: orderedTables,

    async *rows(table) {
      const columns = (await columnsOf()).get(table);
      if (!columns) throw new Error(`There is no table "${table}".`);
      const integers = columns.filter((column) => column.isInteger).map((column) => column.name);
      const order = columns.map((column) => column.name);
      for (let offset = 0; ; offset += PAGE_ROWS) {
        let query = anyDb.selectFrom(table).selectAll();
        for (const column of order) query = query.orderBy(column);
        const page = await query.limit(PAGE_ROWS).offset(offset).execute();
        yield page.map((row) => normalise(row, integers));
        if (page.length < PAGE_ROWS) return;
      }
    },

    async replaceAll(source) {
      const tables = await orderedTables();
      const columns = await columnsOf();
      await db.transaction().execute(async (trx) => {
        const anyTrx = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
        for (const table of [...tables].reverse()) await anyTrx.deleteFrom(table).execute();
        for (const table of tables) {
          for await (const page of source(table)) {
            // Bound each statement's parameters (SQLite allows 32766, PostgreSQL 65535).
            const width = Math.max(1, Object.keys(page[0] ?? {}).length);
            const batch = Math.max(1, Math.floor(30_000 / width));
            for (let start = 0; start < page.length; start += batch) {
              await anyTrx
                .insertInto(table)
                .values(page.slice(start, start + batch))
                .execute();
            }
          }
          if (engine === 'postgres') {
            for (const column of columns.get(table) ?? []) {
              if (!column.isSerial) continue;
              // Explicit IDs do not move a serial column's sequence: the next insert would clash.
              await sql`select setval(pg_get_serial_sequence(${table}, ${column.name}),
                coalesce((select max(${sql.ref(column.name)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
                trx,
              );
            }
          }
        }
      });
    },
  };
}

function normalise(row: Record<string, unknown>, integers: readonly string[]): TableRow {
  const out: TableRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Uint8Array) throw new Error(`Binary column ${key} cannot be dumped yet.`);
    out[key] =
      integers.includes(key) && typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : (value as TableRow[string]);
  }
  return out;
}
