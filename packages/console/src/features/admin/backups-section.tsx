import type {
  BackupContents,
  BackupFile,
  BackupJob,
  BackupList,
  RestoreStarted,
} from '@tether/protocol';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { CopyButton } from '../../components/copy-button.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { describeError } from '../../format/describe-error.js';
import { formatBytes, formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { BackupPassphraseField } from './backup-passphrase-field.js';
import { useLoad } from '../../hooks/use-load.js';
import { RestoreForm, RestoreStatus } from './backup-restore.js';
import { BackupScheduleForm } from './backup-schedule-form.js';

/** How often a backup being written is asked for its progress. */
const POLL_MS = 1000;

/** "Back up now": the passphrase is sent once and forgotten; the job is polled to its end. */
function BackupNow({ onWritten }: { onWritten: () => void }) {
  const { api } = useConsole();
  const [passphrase, setPassphrase] = useState('');
  const [includeRecordings, setIncludeRecordings] = useState(false);
  const [job, setJob] = useState<BackupJob | null>(null);
  const start = useAction((client) => client.createBackup({ passphrase, includeRecordings }), {
    onDone: (started) => {
      setPassphrase('');
      setJob(started);
    },
  });
  useEffect(() => {
    if (job?.state !== 'running') return;
    const timer = window.setTimeout(() => {
      api.getBackupJob(job.id).then(
        (next) => {
          setJob(next);
          if (next.state === 'done') onWritten();
        },
        (error: unknown) => setJob({ ...job, state: 'failed', error: describeError(error) }),
      );
    }, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [api, job, onWritten]);
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    start.run();
  };
  const isRunning = job?.state === 'running';
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="backup-now">
      <h2>Back up now</h2>
      <p className="muted field-wide">
        One encrypted file with the database, the server&apos;s keys and settings (recordings if
        chosen). The passphrase is used for this backup only and never stored: without it the backup
        cannot be opened.
      </p>
      <label className="field">
        <span>Passphrase (12 characters or more)</span>
        <input
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
          data-testid="backup-passphrase"
        />
      </label>
      <Checkbox
        checked={includeRecordings}
        onChange={setIncludeRecordings}
        testId="backup-include-recordings"
      >
        Include the recordings (can be large)
      </Checkbox>
      {job && (
        <div className="field-wide" data-testid="backup-job" data-state={job.state}>
          <Notice
            kind={job.state === 'failed' ? 'error' : job.state === 'done' ? 'success' : 'info'}
          >
            {job.state === 'failed' ? `The backup failed: ${job.error ?? ''}` : job.progress}
          </Notice>
        </div>
      )}
      <FormSubmit
        action={start}
        label={isRunning ? 'Writing the backup…' : 'Back up now'}
        busyLabel="Starting…"
        disabled={passphrase.length < 12 || isRunning}
        testId="backup-create"
      />
    </form>
  );
}

/** What a backup row opens below itself. */
type RowPanel = 'verify' | 'restore' | null;

/** One archive: download, verify with its passphrase, restore, delete. */
function BackupRow({
  file,
  onDeleted,
  onRestoreStarted,
}: {
  file: BackupFile;
  onDeleted: () => void;
  onRestoreStarted: (started: RestoreStarted) => void;
}) {
  const { api, can } = useConsole();
  const mayManage = can('settings.manage');
  const [panel, setPanel] = useState<RowPanel>(null);
  const toggle = (next: RowPanel) => setPanel(panel === next ? null : next);
  const verifying = panel === 'verify';
  const [passphrase, setPassphrase] = useState('');
  const [contents, setContents] = useState<BackupContents | null>(null);
  const verify = useAction((client) => client.verifyBackup(file.name, passphrase), {
    onDone: (result) => {
      setPassphrase('');
      setContents(result);
    },
  });
  const remove = useAction((client) => client.deleteBackup(file.name), { onDone: onDeleted });
  const rows = contents ? Object.values(contents.tables).reduce((sum, n) => sum + n, 0) : 0;
  return (
    <>
      <tr data-testid="backup-row" data-name={file.name}>
        <td>{formatDateTime(file.createdAt)}</td>
        <td>
          <code>{file.name}</code>
        </td>
        <td>{formatBytes(file.size)}</td>
        <td>
          {file.includesRecordings === undefined ? '?' : file.includesRecordings ? 'Yes' : 'No'}
        </td>
        <td>
          {file.origin === 'other'
            ? 'Copied in'
            : file.origin === 'scheduled'
              ? 'Scheduled'
              : 'Manual'}
        </td>
        <td className="align-end">
          {mayManage && (
            <>
              <a className="button button-small" href={api.backupDownloadUrl(file.name)} download>
                Download
              </a>{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => toggle('verify')}
                data-testid="backup-verify-open"
              >
                Verify
              </button>{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => toggle('restore')}
                data-testid="backup-restore-open"
              >
                Restore…
              </button>{' '}
              <button
                type="button"
                className="button button-small button-danger"
                disabled={remove.isRunning}
                onClick={() => {
                  if (window.confirm(`Delete the backup ${file.name}? This cannot be undone.`))
                    remove.run();
                }}
                data-testid="backup-delete"
              >
                Delete
              </button>
            </>
          )}
        </td>
      </tr>
      {(panel !== null || remove.error) && (
        <tr>
          <td colSpan={6}>
            {remove.error && <Notice kind="error">{remove.error}</Notice>}
            {panel === 'restore' && <RestoreForm file={file} onStarted={onRestoreStarted} />}
            {verifying && (
              <form
                className="form-grid"
                onSubmit={(event) => {
                  event.preventDefault();
                  verify.run();
                }}
              >
                <BackupPassphraseField
                  value={passphrase}
                  onChange={setPassphrase}
                  testId="backup-verify-passphrase"
                />
                {contents && (
                  <div className="field-wide" data-testid="backup-verified">
                    <Notice kind="success">
                      Intact: made {formatDateTime(contents.createdAt)} on {contents.engine},{' '}
                      {Object.keys(contents.tables).length} tables ({rows} rows), {contents.files}{' '}
                      files{contents.includesRecordings ? ', recordings included' : ''}.
                    </Notice>
                  </div>
                )}
                <FormSubmit
                  action={verify}
                  label="Check"
                  busyLabel="Checking…"
                  disabled={passphrase === ''}
                  testId="backup-verify"
                />
              </form>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function BackupTable({
  list,
  reload,
  onRestoreStarted,
}: {
  list: BackupList;
  reload: () => void;
  onRestoreStarted: (started: RestoreStarted) => void;
}) {
  return (
    <section className="card" data-testid="backup-list">
      <h2>Backups</h2>
      <p className="muted">
        In <code>{list.directory}</code> on the server, newest first. Keep copies elsewhere too.
      </p>
      {list.backups.length === 0 ? (
        <p className="muted">No backups yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Made</th>
                <th>File</th>
                <th>Size</th>
                <th>Recordings</th>
                <th>By</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.backups.map((file) => (
                <BackupRow
                  key={file.name}
                  file={file}
                  onDeleted={reload}
                  onRestoreStarted={onRestoreStarted}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Restoring</h3>
      <p>
        <strong>Restore…</strong> on a backup checks it whole with its passphrase, then restarts the
        server, which replaces every table and its keys with the backup&apos;s before it serves
        again. A backup made on another server can be copied into the folder above first. The same
        with the server stopped, on the command line (with the file&apos;s name for FILE):
      </p>
      <p>
        <code data-testid="backup-restore-command">{list.restoreCommand}</code>{' '}
        <CopyButton text={list.restoreCommand} />
      </p>
      <p className="muted">
        The whole backup is checked before anything changes. Start the server again afterwards:
        agents keep their enrolment and reconnect by themselves. Restoring into PostgreSQL (or back
        into SQLite) with <code>--database</code> moves the server between database engines.
      </p>
    </section>
  );
}

/**
 * The backups editor of the admin console (S-8): back up now, the backups on the server
 * (download, verify, restore, delete), the last restore, and the schedule with its retention.
 *
 * @example
 * { name: 'backups', label: 'Backups', render: () => <BackupsSection /> }
 */
export function BackupsSection() {
  const { can } = useConsole();
  const [list, reload] = useLoad((api) => api.listBackups(), []);
  const [restoreStarted, setRestoreStarted] = useState<RestoreStarted | null>(null);
  return (
    <>
      <RestoreStatus started={restoreStarted} />
      {can('settings.manage') ? (
        <BackupNow onWritten={reload} />
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
      <Loaded load={list} onRetry={reload}>
        {(value) => (
          <BackupTable list={value} reload={reload} onRestoreStarted={setRestoreStarted} />
        )}
      </Loaded>
      <BackupScheduleForm />
    </>
  );
}
