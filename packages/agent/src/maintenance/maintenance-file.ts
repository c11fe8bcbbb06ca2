import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentMaintenance } from '@tether/protocol/agent';
import { writeFileAtomic } from '../identity/atomic-write.js';

/** In the data folder: the last contact with the server and what it said of maintenance. */
export const MAINTENANCE_FILE = 'maintenance.json';

/**
 * `maintenance.json`: kept so the deletion deadline holds across restarts while the
 * server is out of reach, and so `tether-agent uninstall` knows whether it is restricted.
 */
export interface MaintenanceRecord extends AgentMaintenance {
  /** The last moment the agent was connected to its server (ms since the epoch). */
  lastContactAt: number;
}

/** The record; undefined when there is none yet or it cannot be read (the agent never connected). */
export async function readMaintenanceRecord(
  dataDir: string,
): Promise<MaintenanceRecord | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dataDir, MAINTENANCE_FILE), 'utf8'));
  } catch {
    return undefined; // missing or torn by hand: as before the first connection
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Partial<MaintenanceRecord>;
  const minutes = record.deleteAfterOfflineMinutes;
  if (
    typeof record.lastContactAt !== 'number' ||
    !(minutes === null || (typeof minutes === 'number' && minutes > 0)) ||
    typeof record.restrictLocalUninstall !== 'boolean'
  )
    return undefined;
  return {
    lastContactAt: record.lastContactAt,
    deleteAfterOfflineMinutes: minutes,
    restrictLocalUninstall: record.restrictLocalUninstall,
  };
}

export async function writeMaintenanceRecord(
  dataDir: string,
  record: MaintenanceRecord,
): Promise<void> {
  await writeFileAtomic(join(dataDir, MAINTENANCE_FILE), `${JSON.stringify(record)}\n`, 0o600);
}
