import { AppError } from '@tether/protocol/app-error';
import { helpText, parseCommandArgs, type Command } from './command.js';
import { agentEnrollCommand, agentRunCommand } from './commands/agent.js';
import { agentPromptCommands } from './commands/agent-prompts.js';
import { agentUnattendedCommands } from './commands/agent-unattended.js';
import { auditCommands } from './commands/audit.js';
import { resetPasswordCommand, trustedNetworksCommand, unlockCommand } from './commands/admin.js';
import { proxyCommands } from './commands/admin-proxy.js';
import { adminPortsCommand } from './commands/admin-ports.js';
import { tlsCommands } from './commands/admin-tls.js';
import { backupCommands } from './commands/backup.js';
import { backupScheduleCommands } from './commands/backup-schedule.js';
import { demoCommand } from './commands/demo.js';
import { groupCommands } from './commands/groups.js';
import { installerCreateCommand } from './commands/installer.js';
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

const commands: Command[] = [
  demoCommand,
  serverCommand,
  serverInstallCommand,
  serverUninstallCommand,
  agentEnrollCommand,
  agentRunCommand,
  ...agentPromptCommands,
  ...agentUnattendedCommands,
  ...groupCommands,
  installerCreateCommand,
  resetPasswordCommand,
  unlockCommand,
  trustedNetworksCommand,
  ...proxyCommands,
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

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `tether — self-hosted remote support\n\nUsage: tether <command> [options]\n\n${lines.join('\n')}\n\nRun \`tether <command> --help\` for a command's options.\n`;
}

/** Finds the longest command name the arguments start with (`admin reset-password` before `admin`). */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [3, 2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = commands.find((candidate) => candidate.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    out(overview());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((command) => command.name.startsWith(`${argv[0] ?? ''} `));
    process.stderr.write(
      group.length
        ? `tether ${argv[0] ?? ''}: choose one of: ${group.map((c) => c.name).join(', ')}\n`
        : `Unknown command "${argv.join(' ')}".\n\n${overview()}`,
    );
    return 2;
  }
  try {
    const parsed = parseCommandArgs(found.command, found.rest);
    if (parsed.help) {
      out(helpText(found.command));
      return 0;
    }
    return await found.command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      env,
      out,
    });
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
