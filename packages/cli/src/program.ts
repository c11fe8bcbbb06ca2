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

/** One line per command: its name and summary, aligned. */
function commandList(listed: readonly Command[]): string {
  const width = Math.max(...listed.map((command) => command.name.length));
  return listed.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
}

const MORE_HELP = "Run `tether <command> --help` for a command's options.";

function overview(): string {
  return `tether — self-hosted remote support\n\nUsage: tether <command> [options]\n\n${commandList(commands)}\n\n${MORE_HELP}\n`;
}

/**
 * The commands of the longest group the arguments name (`admin tls` before `admin`), for
 * `tether admin tls` or `tether admin tls --help`.
 */
function findGroup(argv: string[]): { name: string; members: Command[] } | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  for (const count of [2, 1]) {
    const name = words.slice(0, count).join(' ');
    const members = commands.filter((command) => command.name.startsWith(`${name} `));
    if (name && members.length > 0) return { name, members };
  }
  return undefined;
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
    const group = findGroup(argv);
    if (!group) {
      process.stderr.write(`Unknown command "${argv.join(' ')}".\n\n${overview()}`);
      return 2;
    }
    const text = `tether ${group.name}: choose one of:\n\n${commandList(group.members)}\n\n${MORE_HELP}\n`;
    // Asked for help: the list is the answer. Otherwise a command is missing.
    if (argv.includes('--help') || argv.includes('-h')) {
      out(text);
      return 0;
    }
    process.stderr.write(text);
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
