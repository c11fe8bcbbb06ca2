import type { Command } from './command.js';
import { agentEnrollCommand, agentRunCommand } from './commands/agent.js';
import { agentInstallCommand, agentUninstallCommand } from './commands/agent-install.js';
import { agentSupportCommand } from './commands/agent-support.js';
import { agentPromptCommands } from './commands/agent-prompts.js';
import { agentUnattendedCommands } from './commands/agent-unattended.js';
import { runProgram } from './run-program.js';

/**
 * The commands of the agent package (issue 14): what a managed device needs, without the server.
 * The package's launcher runs them as `tether-agent run`, `tether-agent install …`.
 */
export const AGENT_COMMANDS: Command[] = [
  agentEnrollCommand,
  agentRunCommand,
  agentInstallCommand,
  agentSupportCommand,
  agentUninstallCommand,
  ...agentPromptCommands,
  ...agentUnattendedCommands,
];

/** Runs the agent package's CLI; returns the exit code. */
export function agentMain(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return runProgram(
    {
      name: 'tether-agent',
      title: 'the Tether agent',
      commands: AGENT_COMMANDS,
      impliedPrefix: 'agent',
    },
    argv,
    env,
  );
}
