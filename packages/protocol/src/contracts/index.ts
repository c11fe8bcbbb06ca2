import type { AnyEndpoint } from './endpoint.js';
import { agentEndpoints, installerEndpoints, settingsEndpoints } from './administration.js';
import { auditEndpoints } from './audit.js';
import { apiReferenceEndpoints } from './api-reference.js';
import { authEndpoints } from './auth.js';
import { deviceEndpoints } from './devices.js';
import { deviceGroupEndpoints } from './device-groups.js';
import { deviceUpgradeEndpoints } from './device-upgrade.js';
import { groupStatisticsEndpoints } from './group-statistics.js';
import { deviceLifecycleEndpoints } from './device-lifecycle.js';
import { healthEndpoints } from './health.js';
import { sessionEndpoints } from './sessions.js';
import { sessionInvitationEndpoints } from './session-invitations.js';
import { unattendedEndpoints } from './unattended.js';
import { policyEndpoints } from './policies.js';
import { recordingEndpoints } from './recordings.js';
import { storageEndpoints, uploadEndpoints } from './storage.js';
import { oemAdministrationEndpoints, oemDeviceEndpoints } from './oem.js';
import { accountEndpoints, userEndpoints } from './users.js';
import { roleEndpoints } from './roles.js';
import { accountSessionEndpoints, userSessionEndpoints } from './account-sessions.js';
import { userImportEndpoints } from './user-import.js';
import { grantEndpoints, teamEndpoints } from './teams.js';
import { secondFactorAdminEndpoints, secondFactorEndpoints } from './second-factors.js';
import { directoryEndpoints } from './directories.js';
import { ssoEndpoints } from './sso.js';
import { proxyEndpoints } from './proxy.js';
import { serverKeyEndpoints } from './server-keys.js';
import { serverStatusEndpoints, trustedNetworkEndpoints } from './server-admin.js';
import { portEndpoints } from './ports.js';
import { backupEndpoints } from './backups.js';
import { tlsEndpoints } from './tls.js';
import { admissionEndpoints } from './admission.js';
import { maintenanceEndpoints } from './maintenance.js';
import { notificationEndpoints } from './notifications.js';
import { agentPackageEndpoints } from './agent-packages.js';
import { publicUrlEndpoints } from './public-url.js';
import { upgradeEndpoints } from './agent-upgrades.js';
import { wakeEndpoints } from './wake.js';
import { adhocSessionEndpoints } from './adhoc-sessions.js';
import { clusterEndpoints } from './cluster.js';

export * from './endpoint.js';
export * from './administration.js';
export * from './audit.js';
export * from './api-reference.js';
export * from './auth.js';
export * from './devices.js';
export * from './device-groups.js';
export * from './device-lifecycle.js';
export * from './health.js';
export * from './sessions.js';
export * from './session-invitations.js';
export * from './unattended.js';
export * from './policies.js';
export * from './recordings.js';
export * from './storage.js';
export * from './oem.js';
export * from './users.js';
export * from './roles.js';
export * from './account-sessions.js';
export * from './user-import.js';
export * from './teams.js';
export * from './second-factors.js';
export * from './directories.js';
export * from './sso.js';
export * from './proxy.js';
export * from './server-keys.js';
export * from './server-admin.js';
export * from './ports.js';
export * from './backups.js';
export * from './tls.js';
export * from './admission.js';
export * from './maintenance.js';
export * from './notifications.js';
export * from './agent-packages.js';
export * from './public-url.js';
export * from './agent-upgrades.js';
export * from './device-upgrade.js';
export * from './group-statistics.js';
export * from './wake.js';
export * from './adhoc-sessions.js';
export * from './cluster.js';
export { openApiDocument } from './openapi.js';

/**
 * Every endpoint defined as a contract, on either listener (`listener`). The server's contract
 * test checks that each listener serves exactly its contracts.
 */
export const ENDPOINTS: readonly AnyEndpoint[] = [
  ...Object.values(installerEndpoints),
  ...Object.values(agentEndpoints),
  ...Object.values(settingsEndpoints),
  ...Object.values(groupStatisticsEndpoints),
  ...Object.values(deviceUpgradeEndpoints),
  ...Object.values(auditEndpoints),
  ...Object.values(healthEndpoints),
  ...Object.values(authEndpoints),
  ...Object.values(deviceEndpoints),
  ...Object.values(sessionEndpoints),
  ...Object.values(sessionInvitationEndpoints),
  ...Object.values(unattendedEndpoints),
  ...Object.values(recordingEndpoints),
  ...Object.values(uploadEndpoints),
  ...Object.values(policyEndpoints),
  ...Object.values(storageEndpoints),
  ...Object.values(apiReferenceEndpoints),
  ...Object.values(oemDeviceEndpoints),
  ...Object.values(oemAdministrationEndpoints),
  ...Object.values(userEndpoints),
  ...Object.values(accountEndpoints),
  ...Object.values(roleEndpoints),
  ...Object.values(accountSessionEndpoints),
  ...Object.values(userSessionEndpoints),
  ...Object.values(userImportEndpoints),
  ...Object.values(teamEndpoints),
  ...Object.values(grantEndpoints),
  ...Object.values(deviceGroupEndpoints),
  ...Object.values(deviceLifecycleEndpoints),
  ...Object.values(secondFactorEndpoints),
  ...Object.values(secondFactorAdminEndpoints),
  ...Object.values(directoryEndpoints),
  ...Object.values(notificationEndpoints),
  ...Object.values(ssoEndpoints),
  ...Object.values(proxyEndpoints),
  ...Object.values(serverKeyEndpoints),
  ...Object.values(serverStatusEndpoints),
  ...Object.values(trustedNetworkEndpoints),
  ...Object.values(portEndpoints),
  ...Object.values(backupEndpoints),
  ...Object.values(tlsEndpoints),
  ...Object.values(agentPackageEndpoints),
  ...Object.values(publicUrlEndpoints),
  ...Object.values(upgradeEndpoints),
  ...Object.values(adhocSessionEndpoints),
  ...Object.values(admissionEndpoints),
  ...Object.values(maintenanceEndpoints),
  ...Object.values(wakeEndpoints),
  ...Object.values(clusterEndpoints),
];
