import type { Kysely } from 'kysely';
import type { Engine } from './engine.js';
import { migrateToLatest } from './migrations.js';
import { createAuditRepository } from './repositories/audit.js';
import { createAuthSessionRepository } from './repositories/auth-sessions.js';
import { createDeviceGroupRepository } from './repositories/device-groups.js';
import { createDeviceQueryRepository } from './repositories/device-query.js';
import { createDeviceRepository } from './repositories/devices.js';
import { createInstallerRepository } from './repositories/installers.js';
import { createOemRepository } from './repositories/oem.js';
import { createPolicyRepository } from './repositories/policies.js';
import { createRecordingRepository } from './repositories/recordings.js';
import { createSecondFactorRepository } from './repositories/second-factors.js';
import { createSessionRepository } from './repositories/sessions.js';
import { createSettingsRepository } from './repositories/settings.js';
import { createServerKeyPinRepository } from './server-key-pin-repository.js';
import { createDeviceMaintenanceRepository } from './device-maintenance-repository.js';
import { createWakeAddressRepository } from './wake-address-repository.js';
import { createDeviceNodeRepository } from './device-node-repository.js';
import { createClusterNodeRepository } from './cluster-node-repository.js';
import { createGrantRepository, createTeamRepository } from './repositories/teams.js';
import { createTableDumpRepository } from './repositories/table-dump.js';
import { createUnattendedRepository } from './repositories/unattended.js';
import { createAdhocSessionRepository } from './repositories/adhoc-sessions.js';
import { createUploadRepository } from './repositories/uploads.js';
import {
  createControlGrantRepository,
  createGuessCounterRepository,
  createRelayTicketRepository,
} from './repositories/shared-state.js';
import { createUserRepository } from './repositories/users.js';
import { createRoleRepository } from './repositories/roles.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/**
 * Migrates the database and wraps it in the `Store` interface. The repositories are the same
 * for both engines; the engine only decides how the Kysely instance was built. Takes ownership
 * of `db`: it is destroyed if migrating fails, and by `close()`.
 */
export async function openKyselyStore(db: Kysely<Database>, engine: Engine): Promise<Store> {
  try {
    await migrateToLatest(db, engine);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    users: createUserRepository(db),
    roles: createRoleRepository(db),
    authSessions: createAuthSessionRepository(db),
    installers: createInstallerRepository(db),
    devices: createDeviceRepository(db),
    deviceGroups: createDeviceGroupRepository(db),
    deviceQuery: createDeviceQueryRepository(db, engine),
    sessions: createSessionRepository(db),
    recordings: createRecordingRepository(db),
    audit: createAuditRepository(db),
    settings: createSettingsRepository(db),
    policies: createPolicyRepository(db),
    uploads: createUploadRepository(db),
    oem: createOemRepository(db),
    unattended: createUnattendedRepository(db),
    adhocSessions: createAdhocSessionRepository(db),
    teams: createTeamRepository(db),
    grants: createGrantRepository(db),
    secondFactors: createSecondFactorRepository(db),
    serverKeyPins: createServerKeyPinRepository(db),
    deviceMaintenance: createDeviceMaintenanceRepository(db),
    wakeAddresses: createWakeAddressRepository(db),
    deviceNodes: createDeviceNodeRepository(db),
    relayTickets: createRelayTicketRepository(db),
    controlGrants: createControlGrantRepository(db),
    guessCounters: createGuessCounterRepository(db),
    tableDump: createTableDumpRepository(db, engine),
    clusterNodes: createClusterNodeRepository(db),
    close() {
      // Idempotent: several owners may close on shutdown; pg's pool refuses a second end().
      closing ??= db.destroy();
      return closing;
    },
  };
}
