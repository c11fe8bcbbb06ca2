import { AppError } from '@tether/protocol/app-error';
import type { DirectoryTestResult, DirectoryView } from '@tether/protocol';
import type { DirectoryService } from '@tether/server';
import type { Command, CommandInput } from '../command.js';
import { readStdin, withStore } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

// Like `tether users`, these work on the data directory and config file (while the server runs
// or not), so an administrator can check a directory from the server's own machine.

async function withDirectories<T>(
  input: CommandInput,
  work: (directories: DirectoryService) => Promise<T>,
): Promise<T> {
  const { createDirectoryService } = await import('@tether/server');
  const config = await serverConfigFrom(input);
  return withStore(config, ({ store }) => work(createDirectoryService({ store, config })));
}

function describeDirectory(directory: DirectoryView): string {
  const where =
    directory.type === 'ldap'
      ? directory.urls.join(' ')
      : directory.servers.map((server) => `${server.host}:${server.port}`).join(' ');
  const secretSet = directory.type === 'ldap' ? directory.bindPasswordSet : directory.secretSet;
  const state = `${directory.enabled ? 'enabled' : 'disabled'}, secret ${secretSet ? 'set' : 'not set'}`;
  return [directory.id, directory.type, directory.name, where, state].join('\t');
}

const listCommand: Command = {
  name: 'directories list',
  summary: 'List the LDAP and RADIUS directories, in the order sign-in asks them.',
  usage: `tether directories list [--data-dir DIR] [--config FILE]

One directory a line, tab-separated: id, type, name, servers, state. Secrets are never shown.
Directories come from the config file's "directories" key when it has one, otherwise from the
admin interface's settings (https://HOST:7615/conf/directories).`,
  options: { ...dataDirOptions },
  async run(input) {
    const { directories, source } = await withDirectories(input, (service) => service.list());
    input.out(
      [
        `# from the ${source}`,
        'ID\tTYPE\tNAME\tSERVERS\tSTATE',
        ...directories.map(describeDirectory),
      ].join('\n'),
    );
    return 0;
  },
};

function describeResult(result: DirectoryTestResult): string {
  const lines = result.stages.flatMap((stage) => [
    `${stage.ok ? 'ok  ' : 'FAIL'} ${stage.stage}: ${stage.detail.replace(/\n/g, '\n       ')}`,
    ...Object.entries(stage.attributes ?? {}).map(
      ([name, values]) => `       ${name}: ${values.join(', ')}`,
    ),
  ]);
  lines.push(`Outcome: ${result.outcome}${result.message ? ` (${result.message})` : ''}`);
  if (result.outcome === 'accepted')
    lines.push(
      result.mapped
        ? `Mapped: role ${result.mapped.role}, teams ${result.mapped.teams.join(', ') || '-'}`
        : 'Mapped: no (this user would be refused)',
    );
  return lines.join('\n');
}

const testCommand: Command = {
  name: 'directories test',
  summary: 'Try a username and password against one directory and show what the server saw.',
  usage: `tether directories test ID USERNAME --password-stdin [--data-dir DIR] [--config FILE]

Reads the password from standard input (never from a flag: other users could read it in the
process list). Signs nobody in and creates no user. Prints each stage (LDAP: connect, TLS,
service bind, search with the entry's attributes, groups, disabled check, user bind; RADIUS: the
server that answered, its reply and attributes), the outcome, and the role and teams the mapping
gives. Exits 0 when the directory accepted the password, 1 otherwise.`,
  options: { ...dataDirOptions, 'password-stdin': { type: 'boolean' } },
  allowPositionals: true,
  async run(input) {
    const [id, username, ...extra] = input.positionals;
    if (!id || !username || extra.length > 0 || !input.values['password-stdin'])
      throw new AppError(
        'INVALID_INPUT',
        'Give a directory id, a username and --password-stdin. Run `tether directories test --help` for usage.',
      );
    const password = await readStdin();
    const result = await withDirectories(input, (service) =>
      service.test(id, { username, password }),
    );
    input.out(describeResult(result));
    return result.outcome === 'accepted' ? 0 : 1;
  },
};

export const directoryCommands: Command[] = [listCommand, testCommand];
