import type { Command } from './command.js';
import { runProgram } from './run-program.js';
import { agentEnrollCommand, agentRunCommand } from './commands/agent.js';
import { agentInstallCommand, agentUninstallCommand } from './commands/agent-install.js';
import { agentSupportCommand } from './commands/agent-support.js';
import { agentPromptCommands } from './commands/agent-prompts.js';
import { agentUnattendedCommands } from './commands/agent-unattended.js';
import { auditCommands } from './commands/audit.js';
import { resetPasswordCommand, trustedNetworksCommand, unlockCommand } from './commands/admin.js';
import { proxyCommands } from './commands/admin-proxy.js';
import { publicUrlCommand } from './commands/admin-public-url.js';
import { adminNodesCommand } from './commands/admin-nodes.js';
import { upgradeCommands } from './commands/admin-upgrades.js';
import { admissionCommands } from './commands/admin-admission.js';
import { statisticsCommands } from './commands/admin-statistics.js';
import { maintenanceCommands } from './commands/admin-maintenance.js';
import { adminPortsCommand } from './commands/admin-ports.js';
import { tlsCommands } from './commands/admin-tls.js';
import { backupCommands } from './commands/backup.js';
import { backupScheduleCommands } from './commands/backup-schedule.js';
import { demoCommand } from './commands/demo.js';
import { groupCommands } from './commands/groups.js';
import { deviceLifecycleCommands } from './commands/device-lifecycle.js';
import { devicesListCommand } from './commands/devices-list.js';
import { installerCommands } from './commands/installer.js';
import { adhocCommands } from './commands/adhoc.js';
import { installerDownloadCommand } from './commands/installer-download.js';
import { oemCommands } from './commands/oem.js';
import { serverCommand } from './commands/server.js';
import { serverInstallCommand, serverUninstallCommand } from './commands/server-service.js';
import { storageCommands } from './commands/storage.js';
import { roleCommands } from './commands/roles.js';
import { userCommands } from './commands/users.js';
import { importCommand as usersImportCommand } from './commands/users-import.js';
import { teamCommands } from './commands/teams.js';
import { teamGrantCommands } from './commands/team-grants.js';
import { secondFactorCommands } from './commands/second-factors.js';
import { directoryCommands } from './commands/directories.js';
import { ssoCommands } from './commands/sso.js';
import { serverKeyCommands } from './commands/server-keys.js';
import { notificationCommands } from './commands/notifications.js';
import { deviceWakeCommand } from './commands/device-wake.js';

/** Every command of `tether`; the agent package has its own, smaller table (agent-program.ts). */
export const TETHER_COMMANDS: Command[] = [
  demoCommand,
  serverCommand,
  serverInstallCommand,
  serverUninstallCommand,
  agentEnrollCommand,
  agentRunCommand,
  agentInstallCommand,
  agentSupportCommand,
  agentUninstallCommand,
  ...agentPromptCommands,
  ...agentUnattendedCommands,
  ...groupCommands,
  ...deviceLifecycleCommands,
  deviceWakeCommand,
  devicesListCommand,
  ...installerCommands,
  ...adhocCommands,
  installerDownloadCommand,
  resetPasswordCommand,
  unlockCommand,
  trustedNetworksCommand,
  ...proxyCommands,
  publicUrlCommand,
  adminNodesCommand,
  ...upgradeCommands,
  ...admissionCommands,
  ...statisticsCommands,
  ...maintenanceCommands,
  ...serverKeyCommands,
  adminPortsCommand,
  ...tlsCommands,
  ...notificationCommands,
  ...userCommands,
  ...roleCommands,
  ...auditCommands,
  usersImportCommand,
  ...teamCommands,
  ...teamGrantCommands,
  ...secondFactorCommands,
  ...directoryCommands,
  ...ssoCommands,
  ...oemCommands,
  ...storageCommands,
  ...backupCommands,
  ...backupScheduleCommands,
];

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runProgram(
    { name: 'tether', title: 'self-hosted remote support', commands: TETHER_COMMANDS },
    argv,
    env,
  );
}
