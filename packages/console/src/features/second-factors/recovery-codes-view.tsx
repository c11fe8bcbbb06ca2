import { CopyButton } from '../../components/copy-button.js';
import { Notice } from '../../components/notice.js';

/**
 * Recovery codes, shown once after they were made: copy or download them now; each signs in
 * once when the authenticator app or passkey is not at hand.
 *
 * @example
 * <RecoveryCodesView codes={codes} username="jo" onDone={() => setCodes(null)} />
 */
export function RecoveryCodesView({
  codes,
  username,
  onDone,
}: {
  codes: readonly string[];
  username: string;
  onDone: () => void;
}) {
  const text = `Tether recovery codes for ${username}\n\n${codes.join('\n')}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <div className="card" data-testid="recovery-codes">
      <h2>Recovery codes</h2>
      <Notice kind="warning">
        Keep these codes somewhere safe: they are shown only now. Each one signs you in once when
        your authenticator app or passkey is not at hand.
      </Notice>
      <ul className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code data-testid="recovery-code">{code}</code>
          </li>
        ))}
      </ul>
      <div className="row-actions">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <a
          className="button button-small"
          href={download}
          download="tether-recovery-codes.txt"
          data-testid="recovery-codes-download"
        >
          Download
        </a>
        <button
          type="button"
          className="button button-small button-primary"
          onClick={onDone}
          data-testid="recovery-codes-done"
        >
          I have saved them
        </button>
      </div>
    </div>
  );
}
