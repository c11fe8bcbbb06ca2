import { sql, type Kysely } from 'kysely';
import type { Engine } from '../engine.js';

declare module '../schema.js' {
  interface DevicesTable {
    /**
     * Copies of `inventory.hostname`, `.os.name` and `.agentVersion`, written with the inventory:
     * the device list searches, filters and sorts on them, and reading them out of the JSON
     * text of 20,000 rows costs PostgreSQL tens of milliseconds a query. Null only for rows
     * restored from a backup made before this migration, until their agent reports again.
     */
    hostname: string | null;
    os_name: string | null;
    agent_version: string | null;
  }
}

/**
 * The device list at fleet scale (issue 15): the inventory fields it filters on as columns, and
 * indexes for its sorts (each ending in the name order that breaks ties, so a page is read in
 * index order) and filters. Nothing on `last_seen_at`: statistics rewrite it all the time, and
 * its sort puts the online devices (known in memory only) first anyway.
 */
export async function addDeviceListColumns(db: Kysely<unknown>, engine: Engine): Promise<void> {
  for (const column of ['hostname', 'os_name', 'agent_version'])
    await db.schema.alterTable('devices').addColumn(column, 'text').execute();
  const field = (path: string, name: string) =>
    engine === 'sqlite'
      ? sql`json_extract(inventory, ${`$.${path}`})`
      : sql`(inventory::json #>> ${`{${name}}`})`;
  await sql`UPDATE devices SET hostname = ${field('hostname', 'hostname')},
    os_name = ${field('os.name', 'os,name')},
    agent_version = ${field('agentVersion', 'agentVersion')}`.execute(db);
  // Expressions in an index: `lower(name)` is the list's name order (case does not split it).
  await sql`CREATE INDEX devices_name_key ON devices (lower(name), id)`.execute(db);
  for (const column of ['group_name', 'os_name', 'agent_version'])
    await sql`CREATE INDEX ${sql.raw(`devices_${column}_key`)} ON devices (${sql.ref(column)}, lower(name), id)`.execute(
      db,
    );
  await db.schema.createIndex('devices_lost_at').on('devices').column('lost_at').execute();
}
