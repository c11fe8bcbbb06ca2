import type { CreateInstallerResponse } from '@tether/protocol';
import { CopyButton } from '../../components/copy-button.js';
import { formatDateTime } from '../../format/format.js';
import { InstallerDownloads } from './installer-downloads.js';

/**
 * A just-created installer: where to download its agent package (the way to install), and,
 * for a machine that already has the tether CLI, its token and enrolment command. The token is
 * shown here (and when the installer is extended) only: the server does not store it.
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
        Download its agent package below and install it on each machine: it needs nothing else on
        the machine, no Node and no compiler. It installs until{' '}
        {formatDateTime(created.installer.expiresAt)}; the downloads stay in the installer list.
      </p>
      <InstallerDownloads installer={created.installer} />
      <details data-testid="created-installer-manual">
        <summary>Enrol by hand, with the tether CLI already on the machine</summary>
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
      </details>
      <button type="button" className="button" onClick={onDone}>
        Done
      </button>
    </section>
  );
}
