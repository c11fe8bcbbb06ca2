import type { BackupFile, RestoreOutcome, RestoreStarted } from '@tether/protocol';
import { useEffect, useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Checkbox } from '../../components/checkbox.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Notice } from '../../components/notice.js';
import { isSignedOut } from '../../format/describe-error.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { BackupPassphraseField } from './backup-passphrase-field.js';

/** How often the page asks whether the restarting server is back. */
const RESTART_POLL_MS = 2000;

/**
 * Restoring one backup: its passphrase and the administrator's explicit "replace everything".
 * The server checks the whole backup before anything changes, then restarts to apply it.
 *
 * @example
 * <RestoreForm file={file} onStarted={setStarted} />
 */
export function RestoreForm({
  file,
  onStarted,
}: {
  file: BackupFile;
  onStarted: (started: RestoreStarted) => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [isConfirmed, setConfirmed] = useState(false);
  const restore = useAction((client) => client.restoreBackup(file.name, passphrase), {
    onDone: (started) => {
      setPassphrase('');
      onStarted(started);
    },
  });
  return (
    <form
      className="form-grid"
      data-testid="backup-restore-form"
      onSubmit={(event) => {
        event.preventDefault();
        restore.run();
      }}
    >
      <div className="field-wide">
        <Notice kind="warning">
          Restoring replaces everything on this server with the backup of{' '}
          {formatDateTime(file.createdAt)}: users, devices, groups, policies, settings, the audit
          log and the server&apos;s keys. Whatever changed since is lost. Open sessions end and the
          server restarts; agents stay enrolled and reconnect by themselves.
        </Notice>
      </div>
      <BackupPassphraseField
        value={passphrase}
        onChange={setPassphrase}
        testId="backup-restore-passphrase"
      />
      <Checkbox checked={isConfirmed} onChange={setConfirmed} testId="backup-restore-confirm">
        Replace everything on this server with this backup
      </Checkbox>
      <FormSubmit
        action={restore}
        label="Restore and restart"
        busyLabel="Checking the backup…"
        disabled={passphrase === '' || !isConfirmed}
        testId="backup-restore"
      />
    </form>
  );
}

/** What the last restore's outcome says, as one notice. */
function OutcomeNotice({ outcome }: { outcome: RestoreOutcome }) {
  const made = outcome.backupCreatedAt ? ` (made ${formatDateTime(outcome.backupCreatedAt)})` : '';
  const at = outcome.finishedAt ? ` on ${formatDateTime(outcome.finishedAt)}` : '';
  if (outcome.state === 'restored')
    return (
      <Notice kind="success">
        Restored the backup {outcome.file}
        {made}
        {at}, as {outcome.by} asked.
      </Notice>
    );
  if (outcome.state === 'failed')
    return (
      <Notice kind="error">
        The restore of {outcome.file} failed{at}: {outcome.error}. Nothing was changed: the server
        started on the data it had.
      </Notice>
    );
  return (
    <Notice kind="info">
      The backup {outcome.file}, checked at {outcome.by}&apos;s request, is restored at the
      server&apos;s next start.
    </Notice>
  );
}

/**
 * The last restore from the console. Right after one is asked for, it follows the restart: the
 * server is away while it restores, then answers again (and, when the backup predates this
 * sign-in, asks to sign in again).
 *
 * @example
 * <RestoreStatus started={started} />
 */
export function RestoreStatus({ started }: { started: RestoreStarted | null }) {
  const { api } = useConsole();
  const [outcome, setOutcome] = useState<RestoreOutcome | null>(null);
  const [isSignedOutByRestore, setSignedOutByRestore] = useState(false);
  const follows = started?.restarting === true;
  useEffect(() => {
    let isStopped = false;
    let timer: number | undefined;
    const askAgain = () => {
      if (follows) timer = window.setTimeout(ask, RESTART_POLL_MS);
    };
    const ask = () => {
      api.getRestoreState().then(
        (state) => {
          if (isStopped) return;
          setOutcome(state);
          if (state?.state === 'pending') askAgain();
        },
        (error: unknown) => {
          if (isStopped) return;
          if (follows && isSignedOut(error)) setSignedOutByRestore(true);
          else askAgain(); // away while it restarts
        },
      );
    };
    ask();
    return () => {
      isStopped = true;
      window.clearTimeout(timer);
    };
  }, [api, follows]);

  if (isSignedOutByRestore)
    return (
      <div className="card" data-testid="restore-status" data-state="signed-out">
        <Notice kind="success">
          The server restarted with the backup. Sign-ins made after the backup are gone: sign in
          again.
        </Notice>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Sign in again
        </button>
      </div>
    );
  if (follows && (outcome === null || outcome.state === 'pending'))
    return (
      <div className="card" data-testid="restore-status" data-state="restarting">
        <Notice kind="info">
          Restoring the backup of {formatDateTime(started.backupCreatedAt)}: the server is
          restarting. This page follows it.
        </Notice>
      </div>
    );
  if (outcome === null) return null;
  return (
    <div className="card" data-testid="restore-status" data-state={outcome.state}>
      <OutcomeNotice outcome={outcome} />
    </div>
  );
}
