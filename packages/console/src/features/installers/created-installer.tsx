import type { CreateInstallerResponse } from '@tether/protocol';
import { CopyButton } from '../../components/copy-button.js';
import { formatDateTime } from '../../format/format.js';

/**
 * The token and enrolment command of a just-created installer. They are shown this once: the
 * server keeps no copy it can show again.
 *
 * @example
 * {created && <CreatedInstaller created={created} onDone={() => setCreated(null)} />}
 */
export function CreatedInstaller({
  created,
  onDone,
}: {
  created: CreateInstallerResponse;
  onDone: () => void;
}) {
  return (
    <section className="card card-highlight" data-testid="created-installer">
      <h2>Installer created for “{created.installer.group}”</h2>
      <p>
        <strong>Copy these now — they are shown only once.</strong> Run the command as root (or as
        an administrator) on each machine to enrol. It works until{' '}
        {formatDateTime(created.installer.expiresAt)}.
      </p>
      <div className="secret-row">
        <span className="secret-label">Enrolment command</span>
        <code className="secret" data-testid="enroll-command">
          {created.enrollCommand}
        </code>
        <CopyButton text={created.enrollCommand} label="Copy command" />
      </div>
      <div className="secret-row">
        <span className="secret-label">Token</span>
        <code className="secret" data-testid="installer-token">
          {created.token}
        </code>
        <CopyButton text={created.token} label="Copy token" />
      </div>
      <button type="button" className="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
