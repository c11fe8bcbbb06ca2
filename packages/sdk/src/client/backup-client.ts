import {
  backupEndpoints,
  endpointPath,
  type BackupContents,
  type BackupJob,
  type BackupList,
  type BackupScheduleInput,
  type BackupScheduleView,
  type CreateBackupRequest,
  type RestoreOutcome,
  type RestoreStarted,
} from '@tether/protocol';
import { callEndpoint } from './call-endpoint.js';
import type { HttpTransport } from './http-request.js';

/** Backups of the admin console (S-8); the client's base URL is the admin listener. */
export interface BackupClient {
  listBackups(): Promise<BackupList>;
  /** Starts a backup now; poll `getBackupJob` until it is no longer running. */
  createBackup(request: CreateBackupRequest): Promise<BackupJob>;
  getBackupJob(id: string): Promise<BackupJob>;
  verifyBackup(name: string, passphrase: string): Promise<BackupContents>;
  deleteBackup(name: string): Promise<void>;
  /**
   * Checks the backup, then the server restarts and restores it before it serves again
   * (`restarting: false`: at its next start). Replaces everything on the server.
   */
  restoreBackup(name: string, passphrase: string): Promise<RestoreStarted>;
  /** The last restore asked for from the console, or null. */
  getRestoreState(): Promise<RestoreOutcome | null>;
  /** Where a browser downloads the archive (a link: the file may be large). */
  backupDownloadUrl(name: string): string;
  getBackupSchedule(): Promise<BackupScheduleView>;
  setBackupSchedule(schedule: BackupScheduleInput): Promise<BackupScheduleView>;
}

/**
 * The backup calls over one transport; `createTetherClient` mixes them in.
 *
 * @example
 * const job = await api.createBackup({ passphrase, includeRecordings: false });
 */
export function createBackupClient(transport: HttpTransport): BackupClient {
  return {
    listBackups: () => callEndpoint(transport, backupEndpoints.list, {}),
    createBackup: async (request) =>
      (await callEndpoint(transport, backupEndpoints.create, { body: request })).job,
    getBackupJob: async (id) =>
      (await callEndpoint(transport, backupEndpoints.job, { params: { id } })).job,
    verifyBackup: (name, passphrase) =>
      callEndpoint(transport, backupEndpoints.verify, { params: { name }, body: { passphrase } }),
    deleteBackup: (name) => callEndpoint(transport, backupEndpoints.remove, { params: { name } }),
    restoreBackup: (name, passphrase) =>
      callEndpoint(transport, backupEndpoints.restore, {
        params: { name },
        body: { passphrase, replaceEverything: true },
      }),
    getRestoreState: async () =>
      (await callEndpoint(transport, backupEndpoints.restoreState, {})).restore,
    backupDownloadUrl: (name) =>
      `${transport.baseUrl}${endpointPath(backupEndpoints.download, { name })}`,
    getBackupSchedule: () => callEndpoint(transport, backupEndpoints.getSchedule, {}),
    setBackupSchedule: (schedule) =>
      callEndpoint(transport, backupEndpoints.setSchedule, { body: schedule }),
  };
}
