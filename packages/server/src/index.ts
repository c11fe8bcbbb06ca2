export { startServer, type RunningServer, type StartServerOptions } from './app/server.js';
export { runServer, type RestartableServer } from './app/restartable-server.js';
export {
  loadServerConfig,
  databaseUrl,
  ServerConfig,
  type ServerConfigInput,
} from './config/config.js';
export { createLogger, type Logger } from './logging.js';
export { listClusterNodes } from './cluster/node-registry.js';
export type { ClusterNode } from './cluster/cluster.js';
export { systemClock, type Clock } from './clock.js';
export { openStore } from './store/index.js';
export type { DeviceRecord, Store } from './store/store.js';
export { createAuditLog } from './audit/audit-log.js';
export { auditExport, auditPage } from './audit/audit-export.js';
export { auditFilterFromNames, type AuditNamedFilter } from './audit/audit-names.js';
export { resetPassword, unlockSignIn, ADMIN_USERNAME } from './auth/admin-account.js';
export { readTrustedNetworks, writeTrustedNetworks } from './admin/trusted-networks.js';
export { readProxySettings, writeProxySettings } from './net/proxy-settings.js';
export { writeSavedPublicUrl } from './net/public-url.js';
export { readPublicUrlHeadless } from './net/public-url-headless.js';
export {
  addUpgradeRequest,
  readUpgradeSettings,
  saveUpgradeSettings,
} from './upgrades/upgrade-settings.js';
export { createAgentBuilds } from './agent-packages/agent-builds-store.js';
export { addBuildFromFolder } from './upgrades/add-build.js';
export { readAdmissionSettings, writeAdmissionSettings } from './devices/admission-settings.js';
export { readStatisticsSettings, writeStatisticsSettings } from './devices/statistics-settings.js';
export { listGroupStatistics, writeGroupStatistics } from './devices/group-statistics.js';
export { addUploadedBuild, removeUploadedBuild } from './upgrades/build-uploads.js';
export {
  readMaintenanceSettings,
  writeMaintenanceSettings,
} from './maintenance/maintenance-settings.js';
export { saveDeviceFields } from './devices/device-changes.js';
export { tombstoneDevice } from './devices/delete-device.js';
export { addHeadlessDeletion } from './devices/headless-deletions.js';
export { readSavedPorts, writeSavedPorts } from './listeners/port-settings.js';
export { readLastStart } from './listeners/bind-listeners.js';
export { changeTlsHeadless, readTlsHeadless } from './tls/tls-headless.js';
export {
  createNotificationService,
  type NotificationService,
} from './notifications/notification-service.js';
export { configuredSettings } from './notifications/notification-settings.js';
export { createInstallerService, type InstallerService } from './installers/installer-service.js';
export { adhocSessionsHeadless } from './adhoc/adhoc-headless.js';
export type { AdhocSessions } from './adhoc/adhoc-sessions.js';
export type { UserRecord } from './store/store.js';
export { installerToken } from './installers/installer-token.js';
export { agentPackagesHeadless } from './agent-packages/agent-packages-headless.js';
export { createUserService, type UserService } from './users/user-service.js';
export { createRoleService, type RoleService } from './roles/role-service.js';
export {
  createDeviceGroupService,
  type DeviceGroupService,
} from './groups/device-group-service.js';
export { headlessLoginControl } from './users/headless-logins.js';
export { createUserImporter } from './users/user-import.js';
export { createTeamService, type TeamService } from './teams/team-service.js';
export { headlessSecondFactors } from './auth/second-factors/headless-second-factors.js';
export { createDirectoryService, type DirectoryService } from './directories/directory-service.js';
export { createSsoProviders } from './sso/sso-providers.js';
export { generatePassword } from './auth/password-hash.js';
export { loadServerIdentity } from './keys/server-identity.js';
export { headlessServerKeys } from './keys/headless-server-keys.js';
export type { ServerKeyService } from './keys/server-key-service.js';
export { createTenantAdmin, type TenantAdmin } from './oem/tenant-admin.js';
export { sealCredential, createStorageConnector } from './storage/index.js';
export { createBackup, openBackup, restoreBackup, type BackupManifest } from './backup/backup.js';
export { listBackups } from './backup/backup-files.js';
export {
  backupDirectory,
  readRunState,
  readSchedule,
  saveSchedule,
  scheduleAuditDetails,
  scheduleView,
} from './backup/backup-schedule.js';
export { MemoryClusterGroup } from './cluster/memory-cluster.js';
export type { Cluster, ClusterBus } from './cluster/cluster.js';
