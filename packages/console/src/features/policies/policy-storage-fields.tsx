import { AppError } from '@tether/protocol';
import { useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Notice } from '../../components/notice.js';
import type { FormState } from './policy-form-state.js';

export function StorageFields({
  state,
  change,
  storedSha256,
}: {
  state: FormState;
  change: (patch: Partial<FormState>) => void;
  storedSha256: string | undefined;
}) {
  return (
    <>
      <label className="field field-span-2">
        <span>SFTP URL</span>
        <input
          value={state.url}
          onChange={(event) => change({ url: event.target.value })}
          required
          placeholder="sftp://user@host:22/path"
          className="mono"
          data-testid="policy-storage-url"
        />
      </label>
      <label className="field field-span-2">
        <span>SFTP server host key</span>
        <input
          value={state.hostKey}
          onChange={(event) => change({ hostKey: event.target.value })}
          placeholder="SHA256:… (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub)"
          className="mono"
          data-testid="policy-storage-host-key"
        />
        <small className="muted">
          Recordings are uploaded only to a server presenting this key. Not sure? Use{' '}
          <em>Test connection</em>: it shows the key the server presents.
        </small>
      </label>
      <label className="field">
        <span>Authentication</span>
        <select
          value={state.authentication}
          onChange={(event) =>
            change({
              authentication: event.target.value === 'publicKey' ? 'publicKey' : 'password',
            })
          }
          data-testid="policy-storage-authentication"
        >
          <option value="password">Password</option>
          <option value="publicKey">Public key (private key as the credential)</option>
        </select>
        <small className="muted">
          Seal the password for password login, the private key for public-key login: a private key
          is never sent as a password, and a mismatch is refused.
        </small>
      </label>
      <label className="field field-wide">
        <span>Sealed credential (CMS message)</span>
        <textarea
          value={state.credential}
          onChange={(event) => change({ credential: event.target.value })}
          rows={6}
          spellCheck={false}
          className="mono"
          required={storedSha256 === undefined}
          placeholder={
            storedSha256 === undefined
              ? '-----BEGIN CMS-----\n…\n-----END CMS-----'
              : 'Leave empty to keep the stored credential.'
          }
          data-testid="policy-storage-credential"
        />
        <StorageTest state={state} change={change} />
        <small className="muted">
          The password or private key, sealed to this server&apos;s certificate, so only the
          uploading machine can read it. Make it with{' '}
          <code>tether storage seal --cert FILE --password-stdin</code> (or{' '}
          <code>--key-file KEY</code> for a private key), with{' '}
          <code>openssl cms -encrypt -aes256 -recip cert.pem</code> (its output as it is) or with
          PowerShell&apos;s <code>Protect-CmsMessage -To cert.cer -Content $secret</code>.
          {storedSha256 !== undefined && (
            <>
              {' '}
              A credential is stored (SHA-256{' '}
              <span className="mono">{storedSha256.slice(0, 16)}…</span>); it is never shown again.
            </>
          )}
        </small>
      </label>
    </>
  );
}

/**
 * Checks the storage setting from the server (host key, credential, login, write permission)
 * before it is saved; a server whose key is not pinned yet shows its fingerprint to pin.
 */
function StorageTest({
  state,
  change,
}: {
  state: FormState;
  change: (patch: Partial<FormState>) => void;
}) {
  const [result, setResult] = useState<
    { ok: boolean; message: string; presentedHostKey?: string } | undefined
  >();
  const { api } = useConsole();
  const [isTesting, setTesting] = useState(false);
  const credential = state.credential.trim();
  const run = async (): Promise<void> => {
    setTesting(true);
    try {
      const reply = await api.testStorage({
        url: state.url.trim(),
        ...(state.hostKey.trim() === '' ? {} : { hostKey: state.hostKey.trim() }),
        authentication: state.authentication,
        credential,
      });
      setResult({ ok: true, message: reply.message });
    } catch (error) {
      const details = error instanceof AppError ? error.details : undefined;
      const presented = details?.presentedHostKey;
      setResult({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        ...(typeof presented === 'string' ? { presentedHostKey: presented } : {}),
      });
    } finally {
      setTesting(false);
    }
  };
  return (
    <div className="storage-test">
      <button
        type="button"
        className="button"
        onClick={() => void run()}
        disabled={isTesting || credential === '' || state.url.trim() === ''}
        title={credential === '' ? 'Paste the sealed credential to test it.' : undefined}
        data-testid="policy-storage-test"
      >
        {isTesting ? 'Testing…' : 'Test connection'}
      </button>
      {result && (
        <div data-testid="policy-storage-test-result">
          <Notice kind={result.ok ? 'success' : 'error'}>
            {result.message}
            {result.presentedHostKey && (
              <>
                {' '}
                <button
                  type="button"
                  className="button"
                  onClick={() => change({ hostKey: result.presentedHostKey ?? '' })}
                  data-testid="policy-storage-pin-host-key"
                >
                  Pin this key
                </button>
              </>
            )}
          </Notice>
        </div>
      )}
    </div>
  );
}
