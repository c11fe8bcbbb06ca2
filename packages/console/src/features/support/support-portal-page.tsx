import { adhocSessionEndpoints, type SupportDownload } from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useState, type SyntheticEvent } from 'react';
import { CopyButton } from '../../components/copy-button.js';
import { Notice } from '../../components/notice.js';
import { describeError } from '../../format/describe-error.js';

/** The support portal's path on the user listener (public: no sign-in). */
export const SUPPORT_PATH = '/support';

/** Whether the page at `pathname` is the support portal. */
export function isSupportPath(pathname: string): boolean {
  return pathname.replace(/\/+$/, '') === SUPPORT_PATH;
}

/**
 * The support portal: the user at a machine enters the code their technician read to
 * them and gets the one-time agent: a file to run, or a command to paste. Nothing is installed.
 *
 * @example
 * <SupportPortalPage api={createTetherClient()} />
 */
export function SupportPortalPage({ api }: { api: TetherClient }) {
  const [code, setCode] = useState('');
  const [isChecking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [download, setDownload] = useState<SupportDownload | null>(null);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setChecking(true);
    setError(null);
    api.call(adhocSessionEndpoints.redeem, { body: { code } }).then(
      (answer) => {
        setChecking(false);
        setDownload(answer);
      },
      (failure: unknown) => {
        setChecking(false);
        setError(describeError(failure));
      },
    );
  };

  return (
    <main className="login">
      <div className="login-card" data-testid="support-portal">
        <h1>Get help from your technician</h1>
        {download ? (
          <SupportSteps download={download} />
        ) : (
          <form onSubmit={submit}>
            <label>
              The code your technician gave you
              <input
                name="code"
                inputMode="numeric"
                autoComplete="off"
                placeholder="123 456 789"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                required
              />
            </label>
            {error && <Notice kind="error">{error}</Notice>}
            <button type="submit" disabled={isChecking}>
              {isChecking ? 'Checking…' : 'Continue'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}

function SupportSteps({ download }: { download: SupportDownload }) {
  return (
    <div data-testid="support-steps">
      <p>
        <strong>{download.technician}</strong> will help you. Run the one-time agent on this
        machine: it installs nothing, asks you before your technician sees anything, and removes
        itself when the session ends.
      </p>
      <p>
        <a className="button" href={download.runUrl} download={download.fileName}>
          Download the one-time agent
        </a>{' '}
        then run it in a terminal: <code>{download.runCommand}</code>
      </p>
      <p>Or paste this into a terminal:</p>
      <pre data-testid="support-command">{download.command}</pre>
      <CopyButton text={download.command} label="Copy command" />
      <p className="muted">
        This link works once, until {new Date(download.expiresAt).toLocaleTimeString()}.
      </p>
    </div>
  );
}
