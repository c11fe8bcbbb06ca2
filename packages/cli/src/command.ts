import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '@tether/protocol/app-error';

/** One `tether` command: its help text and what it runs. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  /** Resolves to the exit code. */
  run(input: CommandInput): Promise<number>;
}

export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
}

/** Parses a command's arguments; `--help` prints its usage. Unknown flags are clear errors. */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): { help: true } | { help: false; values: CommandInput['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    if (values.help) return { help: true };
    return { help: false, values, positionals };
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `${(error as Error).message}\nRun \`tether ${command.name} --help\` for usage.`,
    );
  }
}

/** A required string option, with an error that says which flag is missing. */
export function requireOption(input: CommandInput, name: string, command: string): string {
  const value = input.values[name];
  if (typeof value !== 'string' || value === '') {
    throw new AppError(
      'INVALID_INPUT',
      `Missing --${name}. Run \`tether ${command} --help\` for usage.`,
    );
  }
  return value;
}

/** An optional string option. */
export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Help text for a command. */
export function helpText(command: Command): string {
  return `${command.summary}\n\nUsage: ${command.usage}\n`;
}
