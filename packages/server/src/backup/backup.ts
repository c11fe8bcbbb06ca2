import { createReadStream, createWriteStream } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '@tether/protocol';
import type { Store, TableRow } from '../store/store.js';
import { knownMigrations } from '../store/migrations.js';
import { extractArchive, writeArchive, type ArchiveEntry } from './backup-archive.js';

/** What a backup says about itself: its last entry, `manifest.json`. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** The engine it was taken from; a restore may go to either. */
  engine: 'sqlite' | 'postgres';
  migrations: string[];
  /** Rows per table. */
  tables: Record<string, number>;
  includesRecordings: boolean;
  entries: ArchiveEntry[];
}

/** Where a server keeps what a backup holds besides the database. */
export interface BackupPaths {
  keysDir: string;
  recordingsDir: string;
}

/** Progress lines for the CLI ("Database: audit, 120000 rows"). */
export type Progress = (line: string) => void;

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const found = await readdir(dir, { recursive: true, withFileTypes: true });
    return found
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

const entryName = (prefix: string, root: string, file: string) =>
  `${prefix}/${relative(root, file).split(sep).join('/')}`;

/**
 * Writes an encrypted backup of the database (every table, engine-neutral JSON lines), the
 * server's keys and, when asked, the recordings. The server may keep running: each table is read
 * consistently, though rows written meanwhile may or may not be in it.
 */
export async function createBackup(input: {
  store: Store;
  paths: BackupPaths;
  output: string;
  passphrase: string;
  includeRecordings: boolean;
  now: Date;
  progress?: Progress;
}): Promise<BackupManifest> {
  const progress = input.progress ?? (() => undefined);
  const staging = await mkdtemp(join(input.paths.keysDir, '..', '.backup-'));
  try {
    const files: [string, string][] = [];
    const tables: Record<string, number> = {};
    for (const table of await input.store.tableDump.tables()) {
      const file = join(staging, `${table}.jsonl`);
      const out = createWriteStream(file, { mode: 0o600 });
      let count = 0;
      for await (const page of input.store.tableDump.rows(table)) {
        for (const row of page) out.write(`${JSON.stringify(row)}\n`);
        count += page.length;
      }
      await new Promise<void>((resolve, reject) => out.end(resolve).once('error', reject));
      tables[table] = count;
      files.push([`database/${table}.jsonl`, file]);
      progress(`Database: ${table}, ${count} rows`);
    }
    for (const file of await filesUnder(input.paths.keysDir))
      files.push([entryName('keys', input.paths.keysDir, file), file]);
    if (input.includeRecordings) {
      const recordings = await filesUnder(input.paths.recordingsDir);
      for (const file of recordings)
        files.push([entryName('recordings', input.paths.recordingsDir, file), file]);
      progress(`Recordings: ${recordings.length} files`);
    }
    const manifest: Omit<BackupManifest, 'entries'> = {
      format: 1,
      createdAt: input.now.toISOString(),
      engine: input.store.engine,
      migrations: await input.store.tableDump.migrations(),
      tables,
      includesRecordings: input.includeRecordings,
    };
    // The manifest lists the entries before it; it is written last, once they are known.
    const entries = await writeArchive(input.output, input.passphrase, files, {
      name: 'manifest.json',
      content: (written) => JSON.stringify({ ...manifest, entries: written }, null, 2),
    });
    progress(`Backup written: ${input.output}`);
    return { ...manifest, entries };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Opens a backup into a private folder and checks it completely: the passphrase, every entry's
 * checksum, the manifest against the entries, and that this server knows its schema. Nothing
 * outside `workDir` changes. The caller removes `workDir`.
 */
export async function openBackup(
  file: string,
  passphrase: string,
  workDir: string,
): Promise<BackupManifest> {
  const entries = await extractArchive(file, passphrase, workDir);
  const last = entries.at(-1);
  if (last?.name !== 'manifest.json')
    throw new AppError('INVALID_INPUT', 'This backup has no manifest. Nothing was changed.');
  const manifest = JSON.parse(
    await readFile(join(workDir, 'manifest.json'), 'utf8'),
  ) as BackupManifest;
  const listed = new Map(manifest.entries.map((entry) => [entry.name, entry]));
  const extracted = entries.slice(0, -1);
  if (
    (manifest.format as number) !== 1 ||
    extracted.length !== listed.size ||
    extracted.some((entry) => listed.get(entry.name)?.sha256 !== entry.sha256)
  )
    throw new AppError(
      'INVALID_INPUT',
      'This backup does not match its manifest. Nothing was changed.',
    );
  const known = new Set(knownMigrations());
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new AppError(
      'INVALID_INPUT',
      `This backup was made by a newer Tether (schema ${unknown.join(', ')}). Upgrade this server first. Nothing was changed.`,
    );
  return manifest;
}

async function* rowsFrom(file: string): AsyncGenerator<TableRow[]> {
  let page: TableRow[] = [];
  try {
    await stat(file);
  } catch {
    return; // a table the backup predates: it stays empty
  }
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Infinity,
  })) {
    if (line === '') continue;
    page.push(JSON.parse(line) as TableRow);
    if (page.length === 1000) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/**
 * Restores a backup into `store` and the server's folders. Verifies the whole backup first
 * (`openBackup`); then replaces every table in one transaction; then puts the keys (and
 * recordings) in place, keeping what was there as `<folder>.before-restore-<time>`. Refuses a
 * database that already has users unless `replace` is set. The server must be stopped.
 */
export async function restoreBackup(input: {
  store: Store;
  paths: BackupPaths;
  file: string;
  passphrase: string;
  replace: boolean;
  now: Date;
  progress?: Progress;
}): Promise<BackupManifest> {
  const progress = input.progress ?? (() => undefined);
  const workDir = await mkdtemp(join(input.paths.keysDir, '..', '.restore-'));
  try {
    progress('Checking the backup…');
    const manifest = await openBackup(input.file, input.passphrase, workDir);
    if (!input.replace && (await input.store.users.count()) > 0)
      throw new AppError(
        'CONFLICT',
        'This server already has data. Restore into a new data folder or database, or pass --replace to overwrite it (what is there now is lost).',
      );
    await applyOpenedBackup({ ...input, workDir, manifest, progress });
    progress('Restore complete. Start the server: agents reconnect by themselves.');
    return manifest;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The changing half of a restore, once `openBackup` checked the backup in `workDir`: every table
 * replaced in one transaction, then the keys (and recordings) moved in place, what was there
 * kept as `<folder>.before-restore-<time>`. `restoreBackup` and a restore staged from the admin
 * console (staged-restore.ts) both end here.
 */
export async function applyOpenedBackup(input: {
  store: Store;
  paths: BackupPaths;
  workDir: string;
  manifest: BackupManifest;
  now: Date;
  progress?: Progress;
}): Promise<void> {
  const { workDir, manifest } = input;
  input.progress?.(`Restoring the database (${Object.keys(manifest.tables).length} tables)…`);
  await input.store.tableDump.replaceAll((table) =>
    rowsFrom(join(workDir, 'database', `${table}.jsonl`)),
  );
  const stamp = input.now.toISOString().replace(/[:.]/g, '-');
  await putInPlace(join(workDir, 'keys'), input.paths.keysDir, stamp);
  if (manifest.includesRecordings)
    await putInPlace(join(workDir, 'recordings'), input.paths.recordingsDir, stamp);
}

/** Moves `from` to `to`, keeping an existing `to` aside. */
async function putInPlace(from: string, to: string, stamp: string): Promise<void> {
  try {
    await stat(from);
  } catch {
    return;
  }
  try {
    await rename(to, `${to}.before-restore-${stamp}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true });
  }
}
