import {
  AppError,
  MAX_IMPORTED_USERS,
  USER_IMPORT_FIELDS,
  type UserImportFormat,
} from '@tether/protocol';

/** One user of an import file, before validation: its row number and the fields it gives. */
export interface RawImportRow {
  /** CSV: the file line (the header is line 1). JSON: the position in the list, from 1. */
  row: number;
  /** Field name → value; a CSV cell left empty is not here (it keeps the existing value). */
  fields: Record<string, unknown>;
  /** Why the row cannot be read at all (a CSV row with too many cells, a JSON non-object), as a sentence. */
  problem?: { field?: string; reason: string };
}

type ImportField = (typeof USER_IMPORT_FIELDS)[number];

/** Header names as spreadsheets write them: `Display name`, `display_name`, `DisplayName`. */
const HEADER_NAMES: ReadonlyMap<string, ImportField> = new Map([
  ...USER_IMPORT_FIELDS.map((field) => [headerKey(field), field] as const),
  ['initialpassword', 'password'],
]);

function headerKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

function refuseFile(message: string): AppError {
  return new AppError('INVALID_INPUT', message);
}

function tooMany(count: number): AppError {
  return refuseFile(
    `The file holds ${count} users; one import takes at most ${MAX_IMPORTED_USERS}. Split it into several files.`,
  );
}

/**
 * Reads an import file into rows. A file that cannot be read as a whole (malformed CSV or
 * JSON, unknown or missing column, too many users) is refused with `INVALID_INPUT`; a row that
 * cannot be read is returned with its `problem`, so the others still get their result.
 * Messages never quote the file's content: it may hold passwords.
 */
export async function readImportFile(
  format: UserImportFormat,
  content: string,
): Promise<RawImportRow[]> {
  return format === 'csv' ? readCsv(content) : readJson(content);
}

function readJson(content: string): RawImportRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a password.
    throw refuseFile(
      'The file is not valid JSON. Give an array of users, or an object with a "users" array.',
    );
  }
  const list: unknown =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as { users?: unknown }).users
      : parsed;
  if (!Array.isArray(list))
    throw refuseFile('The JSON file must be an array of users, or an object with a "users" array.');
  if (list.length > MAX_IMPORTED_USERS) throw tooMany(list.length);
  return list.map((entry: unknown, index) => {
    const row = index + 1;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      return {
        row,
        fields: {},
        problem: { reason: 'The entry must be an object with a "username".' },
      };
    return { row, fields: entry as Record<string, unknown> };
  });
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function readCsv(content: string): Promise<RawImportRow[]> {
  const { parse } = await import('csv-parse/sync');
  const firstLine = content.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  // Spreadsheets in many European locales save CSV with semicolons.
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: CsvRecord[];
  try {
    records = parse(content, {
      delimiter,
      bom: true,
      trim: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as CsvRecord[];
  } catch (error) {
    throw csvError(error);
  }
  const [header, ...rows] = records;
  if (!header)
    throw refuseFile('The CSV file is empty: it needs a header row, then one user a row.');
  const columns = headerColumns(header.record);
  if (rows.length > MAX_IMPORTED_USERS) throw tooMany(rows.length);
  return rows.map(({ record, info }) => {
    const row = info.lines;
    if (record.length > columns.length)
      return {
        row,
        fields: {},
        problem: {
          reason: `The row has ${record.length} cells but the header names ${columns.length} columns (a comma inside a cell needs "quotes")`,
        },
      };
    const fields: Record<string, unknown> = {};
    columns.forEach((field, index) => {
      const cell = record[index] ?? '';
      if (cell !== '') fields[field] = field === 'disabled' ? booleanOf(cell) : cell;
    });
    return { row, fields };
  });
}

/** The fields of the header's columns; an unknown, repeated or missing column refuses the file. */
function headerColumns(header: string[]): ImportField[] {
  const expected = USER_IMPORT_FIELDS.join(', ');
  const columns = header.map((name) => {
    const field = HEADER_NAMES.get(headerKey(name));
    if (!field)
      throw refuseFile(
        `Unknown column "${name.slice(0, 40)}" in the header row (line 1). The columns are: ${expected}.`,
      );
    return field;
  });
  const repeated = columns.find((field, index) => columns.indexOf(field) !== index);
  if (repeated) throw refuseFile(`The column "${repeated}" appears twice in the header row.`);
  if (!columns.includes('username'))
    throw refuseFile(
      `The header row (line 1) needs a "username" column. The columns are: ${expected}.`,
    );
  return columns;
}

/** `true`/`false`, `yes`/`no`, `1`/`0`; anything else stays text, for validation to refuse. */
function booleanOf(cell: string): boolean | string {
  const word = cell.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return cell;
}

/** csv-parse's own messages quote the content; only its code and line are kept. */
function csvError(error: unknown): AppError {
  if (!(error instanceof Error)) return refuseFile('The CSV file cannot be read.');
  const { code, lines } = error as Error & { code?: unknown; lines?: unknown };
  const what =
    typeof code === 'string'
      ? code.replace(/^CSV_/, '').toLowerCase().replaceAll('_', ' ')
      : 'malformed';
  const where = typeof lines === 'number' ? ` at line ${lines}` : '';
  return refuseFile(`The CSV file cannot be read${where}: ${what}.`);
}
