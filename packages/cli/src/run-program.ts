import { AppError } from '@tether/protocol/app-error';
import { helpText, parseCommandArgs, type Command } from './command.js';

/**
 * A command-line program: `tether` (every command) or the agent package's `tether-agent` (the
 * agent's commands, run as `tether-agent run` as well as `tether-agent agent run`).
 */
export interface Program {
  name: string;
  title: string;
  commands: readonly Command[];
  /** A word the program puts in front of the arguments when they do not start with it. */
  impliedPrefix?: string;
}

/** A command's name as the program shows it (`agent run` is `run` in `tether-agent`). */
function shownName(program: Program, name: string): string {
  const prefix = program.impliedPrefix ? `${program.impliedPrefix} ` : '';
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** One line per command: its name and summary, aligned. */
function commandList(program: Program, listed: readonly Command[]): string {
  const names = listed.map((command) => shownName(program, command.name));
  const width = Math.max(...names.map((name) => name.length));
  return listed
    .map((command, index) => `  ${(names[index] ?? '').padEnd(width)}  ${command.summary}`)
    .join('\n');
}

function moreHelp(program: Program): string {
  return `Run \`${program.name} <command> --help\` for a command's options.`;
}

function overview(program: Program): string {
  return `${program.name} — ${program.title}\n\nUsage: ${program.name} <command> [options]\n\n${commandList(program, program.commands)}\n\n${moreHelp(program)}\n`;
}

/**
 * The commands of the longest group the arguments name (`admin tls` before `admin`), for
 * `tether admin tls` or `tether admin tls --help`.
 */
function findGroup(
  program: Program,
  argv: string[],
): { name: string; members: Command[] } | undefined {
  const words = argv.filter((word) => !word.startsWith('-'));
  for (const count of [2, 1]) {
    const name = words.slice(0, count).join(' ');
    const members = program.commands.filter((command) => command.name.startsWith(`${name} `));
    if (name && members.length > 0) return { name, members };
  }
  return undefined;
}

/** Finds the longest command name the arguments start with (`admin reset-password` before `admin`). */
function findCommand(
  program: Program,
  argv: string[],
): { command: Command; rest: string[] } | undefined {
  for (const words of [3, 2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = program.commands.find((candidate) => candidate.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

/** Runs a program with its arguments; returns the exit code. */
export async function runProgram(
  program: Program,
  givenArgv: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const first = givenArgv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    out(overview(program));
    return 0;
  }
  const argv =
    program.impliedPrefix && first !== program.impliedPrefix
      ? [program.impliedPrefix, ...givenArgv]
      : givenArgv;
  const found = findCommand(program, argv);
  if (!found) {
    const group = findGroup(program, argv);
    if (!group) {
      process.stderr.write(`Unknown command "${givenArgv.join(' ')}".\n\n${overview(program)}`);
      return 2;
    }
    const text = `${program.name} ${shownName(program, group.name)}: choose one of:\n\n${commandList(program, group.members)}\n\n${moreHelp(program)}\n`;
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
