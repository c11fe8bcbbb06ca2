import type { BackupScheduleInput, BackupScheduleView } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

type PassphraseChoice = 'keep' | 'new' | 'file';

/** A whole number from a field, or undefined when it is empty. */
const wholeOrNone = (text: string): number | undefined =>
  text.trim() === '' ? undefined : Number(text);

function ScheduleEditor({
  initial,
  onSaved,
}: {
  initial: BackupScheduleView;
  onSaved: (view: BackupScheduleView) => void;
}) {
  const { can } = useConsole();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [kind, setKind] = useState(initial.every.kind);
  const [hours, setHours] = useState(
    String(initial.every.kind === 'interval' ? initial.every.hours : 24),
  );
  const [time, setTime] = useState(initial.every.kind === 'daily' ? initial.every.time : '02:00');
  const [keepCount, setKeepCount] = useState(String(initial.keep.count ?? ''));
  const [keepDays, setKeepDays] = useState(String(initial.keep.days ?? ''));
  const [includeRecordings, setIncludeRecordings] = useState(initial.includeRecordings);
  const [directory, setDirectory] = useState(initial.directory ?? '');
  const [choice, setChoice] = useState<PassphraseChoice>(
    initial.passphraseSource === 'none' ? 'new' : 'keep',
  );
  const [passphrase, setPassphrase] = useState('');
  const [passphraseFile, setPassphraseFile] = useState(initial.passphraseFile ?? '');
  const [saved, setSaved] = useState(false);
  const schedule = (): BackupScheduleInput => ({
    enabled,
    every:
      kind === 'interval' ? { kind, hours: Number(hours) } : { kind: 'daily', time: time.trim() },
    keep: {
      ...(wholeOrNone(keepCount) !== undefined && { count: wholeOrNone(keepCount) }),
      ...(wholeOrNone(keepDays) !== undefined && { days: wholeOrNone(keepDays) }),
    },
    includeRecordings,
    ...(directory.trim() !== '' && { directory: directory.trim() }),
    ...(choice === 'new' && passphrase !== '' && { passphrase }),
    ...(choice === 'file' && { passphraseFile: passphraseFile.trim() }),
  });
  const save = useAction((api) => api.setBackupSchedule(schedule()), {
    onDone: (view) => {
      setPassphrase('');
      setChoice('keep');
      setSaved(true);
      onSaved(view);
    },
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSaved(false);
    save.run();
  };
  const { state } = initial;
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="backup-schedule">
      <h2>Scheduled backups</h2>
      <p className="muted field-wide">
        The server writes a backup into the folder on its own; after each successful one, older
        scheduled backups beyond what is kept are removed (backups made by hand stay). A failure is
        audited and notified as a server error.
      </p>
      <div className="field-wide">
        <Checkbox checked={enabled} onChange={setEnabled} testId="schedule-enabled">
          Make backups on a schedule
        </Checkbox>
      </div>
      <label className="field">
        <span>When</span>
        <select
          value={kind}
          onChange={(event) => setKind(event.target.value === 'daily' ? 'daily' : 'interval')}
          data-testid="schedule-kind"
        >
          <option value="daily">Every day at (UTC)</option>
          <option value="interval">Every N hours</option>
        </select>
      </label>
      {kind === 'daily' ? (
        <label className="field field-narrow">
          <span>Time (UTC, HH:MM)</span>
          <input
            value={time}
            onChange={(event) => setTime(event.target.value)}
            data-testid="schedule-time"
          />
        </label>
      ) : (
        <label className="field field-narrow">
          <span>Hours</span>
          <input
            type="number"
            min={1}
            max={744}
            value={hours}
            onChange={(event) => setHours(event.target.value)}
            data-testid="schedule-hours"
          />
        </label>
      )}
      <label className="field field-narrow">
        <span>Keep the newest</span>
        <input
          type="number"
          min={1}
          value={keepCount}
          placeholder="all"
          onChange={(event) => setKeepCount(event.target.value)}
          data-testid="schedule-keep-count"
        />
      </label>
      <label className="field field-narrow">
        <span>Keep for (days)</span>
        <input
          type="number"
          min={1}
          value={keepDays}
          placeholder="forever"
          onChange={(event) => setKeepDays(event.target.value)}
          data-testid="schedule-keep-days"
        />
      </label>
      <label className="field field-wide">
        <span>Folder on the server (empty: {initial.effectiveDirectory})</span>
        <input
          value={directory}
          onChange={(event) => setDirectory(event.target.value)}
          data-testid="schedule-directory"
        />
      </label>
      <div className="field-wide">
        <Checkbox
          checked={includeRecordings}
          onChange={setIncludeRecordings}
          testId="schedule-recordings"
        >
          Include the recordings
        </Checkbox>
      </div>
      <label className="field">
        <span>Passphrase</span>
        <select
          value={choice}
          onChange={(event) => setChoice(event.target.value as PassphraseChoice)}
          data-testid="schedule-passphrase-choice"
        >
          {initial.passphraseSource !== 'none' && (
            <option value="keep">
              Keep the current one (
              {initial.passphraseSource === 'file' ? 'from a file' : 'stored encrypted'})
            </option>
          )}
          <option value="new">A new passphrase, stored encrypted with the server key</option>
          <option value="file">Read from a file on the server at each backup</option>
        </select>
      </label>
      {choice === 'new' && (
        <label className="field">
          <span>New passphrase (12 characters or more)</span>
          <input
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            data-testid="schedule-passphrase"
          />
        </label>
      )}
      {choice === 'file' && (
        <label className="field">
          <span>Passphrase file (absolute path)</span>
          <input
            value={passphraseFile}
            onChange={(event) => setPassphraseFile(event.target.value)}
            data-testid="schedule-passphrase-file"
          />
        </label>
      )}
      <div className="field-wide muted" data-testid="schedule-state">
        {initial.nextRunAt && <div>Next backup: {formatDateTime(initial.nextRunAt)}</div>}
        {state.lastSuccessAt && (
          <div>
            Last written: {formatDateTime(state.lastSuccessAt)} ({state.lastFile})
          </div>
        )}
      </div>
      {state.lastError && (
        <div className="field-wide">
          <Notice kind="error">The last scheduled backup failed: {state.lastError}</Notice>
        </div>
      )}
      {saved && (
        <div className="field-wide">
          <Notice kind="success">Saved; it applies now.</Notice>
        </div>
      )}
      {can('settings.manage') ? (
        <FormSubmit
          action={save}
          label="Save schedule"
          busyLabel="Saving…"
          testId="schedule-save"
        />
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </form>
  );
}

/** The backup schedule, its retention and its last run (part of the backups section). */
export function BackupScheduleForm() {
  const [view, reload, replace] = useLoad((api) => api.getBackupSchedule(), []);
  return (
    <Loaded load={view} onRetry={reload}>
      {(value) => (
        <ScheduleEditor key={value.state.lastRunAt ?? ''} initial={value} onSaved={replace} />
      )}
    </Loaded>
  );
}
