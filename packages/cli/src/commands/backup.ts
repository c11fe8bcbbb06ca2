import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import { requireOption, stringOption, type Command, type CommandInput } from '../command.js';
import { readStdin } from '../headless.js';
import { dataDirOptions, serverConfigFrom } from '../server-config.js';

export const passphraseOptions = {
  'passphrase-file': { type: 'string' },
  'passphrase-stdin': { type: 'boolean' },
} as const;

export const PASSPHRASE_HELP = `The passphrase comes from --passphrase-file FILE, --passphrase-stdin, or the
TETHER_BACKUP_PASSPHRASE environment variable (at least 12 characters). Without it a backup
cannot be opened: keep it apart from the backups.`;

/** The backup passphrase from a file, standard input or the environment, never a flag value. */
export async function passphraseOf(input: CommandInput, command: string): Promise<string> {
  const file = stringOption(input, 'passphrase-file');
  const passphrase = file
    ? (await readFile(file, 'utf8')).replace(/\r?\n$/, '')
    : input.values['passphrase-stdin']
      ? await readStdin()
      : input.env.TETHER_BACKUP_PASSPHRASE;
  if (!passphrase)
    throw new AppError(
      'INVALID_INPUT',
      `No backup passphrase. Give --passphrase-file, --passphrase-stdin or TETHER_BACKUP_PASSPHRASE. Run \`tether ${command} --help\` for usage.`,
    );
  if (passphrase.length < 12)
    throw new AppError('INVALID_INPUT', 'Choose a backup passphrase of at least 12 characters.');
  return passphrase;
}

/** The store and folders of the server the flags name. */
async function serverOf(input: CommandInput) {
  const config = await serverConfigFrom(input);
  const { databaseUrl, openStore } = await import('@tether/server');
  return {
    open: () => openStore(databaseUrl(config)),
    paths: {
      keysDir: join(config.dataDir, 'keys'),
      recordingsDir: join(config.dataDir, 'recordings'),
    },
  };
}

export const backupCreateCommand: Command = {
  name: 'backup create',
  summary:
    'Write an encrypted backup of the server: database, keys, settings (recordings optional).',
  usage: `tether backup create --output FILE [--include-recordings] [--data-dir DIR | --config FILE] [--database URL]

Writes one file holding every table of the database (engine-neutral: it restores into SQLite or
PostgreSQL), the server's keys (agents stay enrolled) and, with --include-recordings, the
recordings. Encrypted with AES-256-GCM under a key derived from the passphrase (scrypt), with a
manifest and a checksum per entry. Works while the server runs.

${PASSPHRASE_HELP}`,
  options: {
    ...dataDirOptions,
    ...passphraseOptions,
    database: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'include-recordings': { type: 'boolean' },
  },
  async run(input) {
    const output = resolve(requireOption(input, 'output', 'backup create'));
    const passphrase = await passphraseOf(input, 'backup create');
    const { createBackup } = await import('@tether/server');
    const server = await serverOf(input);
    const store = await server.open();
    try {
      const manifest = await createBackup({
        store,
        paths: server.paths,
        output,
        passphrase,
        includeRecordings: input.values['include-recordings'] === true,
        now: new Date(),
        progress: input.out,
      });
      const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0);
      input.out(
        `${Object.keys(manifest.tables).length} tables (${rows} rows), ${manifest.entries.length} files.`,
      );
    } finally {
      await store.close();
    }
    return 0;
  },
};

export const backupVerifyCommand: Command = {
  name: 'backup verify',
  summary: 'Check that a backup opens with its passphrase and that every entry is intact.',
  usage: `tether backup verify FILE [--passphrase-file FILE | --passphrase-stdin]

Decrypts the backup into a temporary folder, checks every entry against its checksum and the
manifest, prints what it holds, and removes the folder. Changes nothing.

${PASSPHRASE_HELP}`,
  options: { ...passphraseOptions },
  allowPositionals: true,
  async run(input) {
    const [file] = input.positionals;
    if (!file)
      throw new AppError('INVALID_INPUT', 'Name the backup file: tether backup verify FILE');
    const passphrase = await passphraseOf(input, 'backup verify');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { openBackup } = await import('@tether/server');
    const workDir = await mkdtemp(join(tmpdir(), 'tether-verify-'));
    try {
      const manifest = await openBackup(resolve(file), passphrase, workDir);
      input.out(`Backup of ${manifest.createdAt} (${manifest.engine}): intact.`);
      for (const [table, count] of Object.entries(manifest.tables))
        input.out(`  ${table}: ${count} rows`);
      input.out(
        `  ${manifest.entries.length} files${manifest.includesRecordings ? ', recordings included' : ''}`,
      );
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    return 0;
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  summary:
    'Restore a backup into a data folder and database (also how to move between SQLite and PostgreSQL).',
  usage: `tether restore FILE [--replace] [--data-dir DIR | --config FILE] [--database URL]

Stop the server first. The whole backup is decrypted and checked before anything changes; then
every table is replaced in one transaction, and the keys (and recordings, if the backup has
them) are put in place, the previous ones kept beside as <folder>.before-restore-<time>.
A database that already has users is refused unless --replace is given.

To move to PostgreSQL: back up, then restore with --database postgres://… and start the server
with the same --database. Agents keep their enrolment and reconnect by themselves.

On a running server, restore from the admin console instead (Backups, Restore…): it checks the
backup, then the server restarts and restores it before it serves again.

${PASSPHRASE_HELP}`,
  options: {
    ...dataDirOptions,
    ...passphraseOptions,
    database: { type: 'string' },
    replace: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(input) {
    const [file] = input.positionals;
    if (!file) throw new AppError('INVALID_INPUT', 'Name the backup file: tether restore FILE');
    const passphrase = await passphraseOf(input, 'restore');
    const { restoreBackup } = await import('@tether/server');
    const { mkdir } = await import('node:fs/promises');
    const server = await serverOf(input);
    await mkdir(join(server.paths.keysDir, '..'), { recursive: true, mode: 0o700 });
    const store = await server.open();
    try {
      await restoreBackup({
        store,
        paths: server.paths,
        file: resolve(file),
        passphrase,
        replace: input.values.replace === true,
        now: new Date(),
        progress: input.out,
      });
    } finally {
      await store.close();
    }
    return 0;
  },
};

export const backupCommands = [backupCreateCommand, backupVerifyCommand, restoreCommand];
