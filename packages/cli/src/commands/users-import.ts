import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '@tether/protocol/app-error';
import type { ImportRowResult, ImportUsersResponse, UserImportFormat } from '@tether/protocol';
import { stringOption, type Command, type CommandInput } from '../command.js';
import { dataDirOptions } from '../server-config.js';
import { HEADLESS, withUsers } from './users.js';

/** The file's format: `--format`, else its extension (`.json`), else CSV. */
function formatOf(input: CommandInput, file: string): UserImportFormat {
  const format = stringOption(input, 'format') ?? (extname(file) === '.json' ? 'json' : 'csv');
  if (format !== 'csv' && format !== 'json')
    throw new AppError('INVALID_INPUT', `--format must be csv or json, not "${format}".`);
  return format;
}

async function readImport(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `Cannot read the import file ${file}: ${(error as Error).message}`,
    );
  }
}

/** What the DETAILS column says of a row. */
function detailsOf(row: ImportRowResult): string {
  const parts: string[] = [];
  if (row.reason) parts.push(row.reason);
  if (row.changes) parts.push(`changes ${row.changes.join(', ')}`);
  if (row.generatedPassword) parts.push(`password ${row.generatedPassword} (must be changed)`);
  else if (row.initialPassword === 'generated') parts.push('password will be generated');
  return [...parts, ...(row.notes ?? [])].join('; ');
}

function summaryOf(result: ImportUsersResponse): string {
  const { created, updated, unchanged, refused } = result.counts;
  const counts = `${created} created, ${updated} updated, ${unchanged} unchanged, ${refused} refused`;
  if (result.dryRun) return `Dry run: ${counts}. Nothing was changed.`;
  if (!result.applied)
    return `${counts}. Nothing was changed: --all-or-nothing and rows were refused.`;
  return `${counts}.`;
}

/**
 * Progress on standard error (standard output keeps the results): a line every tenth, so a long
 * import (passwords given in the file hash for ~0.1 s each) shows it is moving.
 */
function progressPrinter(): (progress: { done: number; total: number }) => void {
  let shown = 0;
  return ({ done, total }) => {
    const tenth = Math.floor((done * 10) / total);
    if (total < 50 || tenth === shown) return;
    shown = tenth;
    process.stderr.write(`Imported ${done} of ${total} users…\n`);
  };
}

export const importCommand: Command = {
  name: 'users import',
  summary:
    'Create and update console users from a CSV or JSON file (--dry-run shows what would change).',
  usage: `tether users import FILE [--dry-run] [--all-or-nothing] [--format csv|json] [--data-dir DIR]

CSV: a header row naming the columns, then one user a row (comma or semicolon separated):
  username,displayName,role,password,disabled
  jo,Jo Martin,technician,,false
Only username is required. JSON: an array of objects with the same fields (or {"users": [...]}).
An empty cell or missing field keeps an existing user's value. A new user needs a role
(administrator, privileged or technician). password is the initial password of a new user (at
least 12 characters); without one a password is generated and printed here, once. New users must
choose a new password at their first sign-in. Users are never deleted by an import.

Prints one line a row: ROW, USERNAME, RESULT (created, updated, unchanged, refused) and DETAILS
(the reason of a refusal, the fields changed, a generated password). The rows not refused apply
unless --all-or-nothing. Importing the same file again changes nothing. Exits with 1 when a row
is refused. --format defaults to the file's extension (.json), else csv.`,
  options: {
    ...dataDirOptions,
    'dry-run': { type: 'boolean' },
    'all-or-nothing': { type: 'boolean' },
    format: { type: 'string' },
  },
  allowPositionals: true,
  async run(input) {
    const [file, ...extra] = input.positionals;
    if (!file || extra.length > 0)
      throw new AppError(
        'INVALID_INPUT',
        'Give one import file. Run `tether users import --help` for usage.',
      );
    const format = formatOf(input, file);
    const content = await readImport(file);
    const { createUserImporter } = await import('@tether/server');
    const result = await withUsers(input, (users, _roles, store) =>
      createUserImporter({ store, users }).import(
        {
          format,
          content,
          dryRun: input.values['dry-run'] === true,
          allOrNothing: input.values['all-or-nothing'] === true,
        },
        HEADLESS,
        progressPrinter(),
      ),
    );
    input.out(
      [
        'ROW\tUSERNAME\tRESULT\tDETAILS',
        ...result.rows.map((row) =>
          [row.row, row.username || '-', row.outcome, detailsOf(row)].join('\t'),
        ),
        summaryOf(result),
      ].join('\n'),
    );
    return result.counts.refused > 0 ? 1 : 0;
  },
};
