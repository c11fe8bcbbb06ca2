import type { ImportRowResult, ImportUsersResponse, UserImportFormat } from '@tether/protocol';
import { useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';

interface ChosenFile {
  name: string;
  content: string;
  format: UserImportFormat;
}

const OUTCOME_LABELS: Record<ImportRowResult['outcome'], string> = {
  created: 'Created',
  updated: 'Updated',
  unchanged: 'Unchanged',
  refused: 'Refused',
};

/** What a row's result says besides its outcome: the reason, the changes, the password. */
function detailsOf(row: ImportRowResult, isPreview: boolean): string {
  const parts: string[] = [];
  if (row.reason) parts.push(row.reason);
  if (row.changes) parts.push(`Changes: ${row.changes.join(', ')}`);
  if (row.initialPassword === 'generated' && isPreview) parts.push('A password will be generated');
  if (row.initialPassword === 'given') parts.push('Initial password from the file');
  return [...parts, ...(row.notes ?? [])].join('. ');
}

/** The generated passwords as a CSV file to hand out (they are shown this once). */
function passwordsDownload(rows: ImportRowResult[]): string | null {
  const lines = rows.flatMap((row) =>
    row.generatedPassword ? [`${row.username},${row.generatedPassword}`] : [],
  );
  if (lines.length === 0) return null;
  const csv = ['username,password', ...lines].join('\n');
  return URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
}

function ResultTable({ result }: { result: ImportUsersResponse }) {
  const { created, updated, unchanged, refused } = result.counts;
  const verb = result.applied ? '' : ' (would be)';
  return (
    <>
      <p data-testid="import-counts">
        {created} created, {updated} updated, {unchanged} unchanged, {refused} refused{verb}.
        {!result.dryRun && !result.applied && ' Nothing was changed: rows were refused.'}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="import-result">
          <thead>
            <tr>
              <th>Row</th>
              <th>Username</th>
              <th>Result</th>
              <th>Details</th>
              {result.applied && <th>Generated password</th>}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row) => (
              <tr key={row.row} data-testid="import-row" data-outcome={row.outcome}>
                <td>{row.row}</td>
                <td>{row.username || <span className="muted">—</span>}</td>
                <td>{OUTCOME_LABELS[row.outcome]}</td>
                <td>{detailsOf(row, result.dryRun)}</td>
                {result.applied && (
                  <td>
                    <code>{row.generatedPassword ?? ''}</code>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * The "Import users" dialog of the Users page (S-10): pick a CSV or JSON file, preview what it
 * does (a dry run), then import. Generated passwords are shown once, with a download.
 *
 * @example
 * <ImportUsers onImported={reload} onClose={() => setImporting(false)} />
 */
export function ImportUsers({
  onImported,
  onClose,
}: {
  onImported: () => void;
  onClose: () => void;
}) {
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [result, setResult] = useState<ImportUsersResponse | null>(null);
  const send = useAction(
    (api, dryRun: boolean) =>
      api.importUsers({
        format: file?.format ?? 'csv',
        content: file?.content ?? '',
        dryRun,
        allOrNothing,
      }),
    {
      onDone: (answer) => {
        setResult(answer);
        if (!answer.dryRun) onImported();
      },
    },
  );
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setResult(null);
    if (!chosen) return setFile(null);
    void chosen.text().then((content) =>
      setFile({
        name: chosen.name,
        content,
        format: chosen.name.toLowerCase().endsWith('.json') ? 'json' : 'csv',
      }),
    );
  };
  const download = useMemo(
    () => (result?.applied ? passwordsDownload(result.rows) : null),
    [result],
  );
  useEffect(() => () => (download ? URL.revokeObjectURL(download) : undefined), [download]);
  return (
    <section className="card" role="dialog" aria-label="Import users" data-testid="import-users">
      <h2>Import users</h2>
      <p className="muted">
        A CSV file with a header row (<code>username,displayName,role,password,disabled</code>; only
        username is required) or a JSON list of users with the same fields. New users need a role;
        without a password one is generated and shown once. Users missing from the file are left as
        they are. Importing the same file again changes nothing.
      </p>
      <div className="form-grid">
        <label className="field">
          <span>File</span>
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            onChange={onFile}
            data-testid="import-file"
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={allOrNothing}
            onChange={(event) => (setAllOrNothing(event.target.checked), setResult(null))}
          />
          <span>All or nothing: change nothing if any row is refused</span>
        </label>
      </div>
      {send.error && (
        <Notice kind="error" onDismiss={send.clearError}>
          {send.error}
        </Notice>
      )}
      <p>
        <button
          type="button"
          className="button button-small"
          disabled={!file || send.isRunning}
          onClick={() => send.run(true)}
          data-testid="import-preview"
        >
          Preview
        </button>{' '}
        <button
          type="button"
          className="button button-primary button-small"
          disabled={!result?.dryRun || send.isRunning}
          title={result?.dryRun ? undefined : 'Preview the file first'}
          onClick={() => send.run(false)}
          data-testid="import-apply"
        >
          Import
        </button>{' '}
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
        {send.isRunning && <span className="muted"> Working…</span>}
      </p>
      {result && <ResultTable result={result} />}
      {download && (
        <Notice kind="info">
          Generated passwords are shown this once: hand them out now.{' '}
          <a href={download} download="tether-initial-passwords.csv" data-testid="import-passwords">
            Download them as CSV
          </a>
        </Notice>
      )}
    </section>
  );
}
