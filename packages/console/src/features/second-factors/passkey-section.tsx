import type { EnrolledFactor, Passkey, RemoveFactorRequest } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';
import { FormSubmit } from '../../components/form-submit.js';
import { createPasskey, hasWebAuthn } from './webauthn.js';

/** One passkey: its name (renamed in place), when it was added and last used, remove. */
function PasskeyRow({
  passkey,
  proof,
  onChanged,
}: {
  passkey: Passkey;
  proof: () => RemoveFactorRequest | undefined;
  onChanged: () => void;
}) {
  const [name, setName] = useState(passkey.name);
  const rename = useAction((api) => api.renamePasskey(passkey.id, name.trim()), {
    onDone: onChanged,
  });
  const remove = useAction(
    (api, given: RemoveFactorRequest) => api.removePasskey(passkey.id, given),
    { onDone: onChanged },
  );
  const error = rename.error ?? remove.error;
  return (
    <li data-testid="passkey" data-name={passkey.name}>
      <input
        aria-label="Passkey name"
        value={name}
        maxLength={64}
        onChange={(event) => setName(event.target.value)}
        data-testid="passkey-name"
      />{' '}
      <button
        type="button"
        className="button button-small"
        disabled={rename.isRunning || name.trim() === '' || name.trim() === passkey.name}
        onClick={() => rename.run()}
        data-testid="passkey-rename"
      >
        Rename
      </button>{' '}
      <button
        type="button"
        className="button button-small button-danger"
        disabled={remove.isRunning}
        onClick={() => {
          const given = proof();
          if (given) remove.run(given);
        }}
        data-testid="passkey-remove"
      >
        Remove
      </button>
      <span className="muted">
        {' '}
        added {formatDateTime(passkey.createdAt)}
        {passkey.lastUsedAt && `, last used ${formatDateTime(passkey.lastUsedAt)}`}
      </span>
      {error && <p className="field-error">{error}</p>}
    </li>
  );
}

/**
 * The user's passkeys, and registering a new one with this browser's authenticator (a
 * fingerprint or face, a security key, a phone).
 */
export function PasskeySection({
  passkeys,
  proof,
  onChanged,
  onEnrolled,
}: {
  passkeys: Passkey[];
  /** The password or code typed for removals; undefined (and said so) when none. */
  proof: () => RemoveFactorRequest | undefined;
  onChanged: () => void;
  onEnrolled: (result: EnrolledFactor) => void;
}) {
  const [name, setName] = useState('');
  const register = useAction(
    async (api) => {
      const options = await api.passkeyRegistrationOptions();
      const response = await createPasskey(options);
      return api.registerPasskey({ name: name.trim(), response });
    },
    {
      onDone: (result) => {
        setName('');
        onEnrolled(result);
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    register.run();
  };
  return (
    <>
      <h3>Passkeys</h3>
      {passkeys.length > 0 ? (
        <ul className="plain-list" data-testid="passkeys">
          {passkeys.map((passkey) => (
            <PasskeyRow key={passkey.id} passkey={passkey} proof={proof} onChanged={onChanged} />
          ))}
        </ul>
      ) : (
        <p className="muted">No passkey yet.</p>
      )}
      {hasWebAuthn() ? (
        <form className="form-grid" onSubmit={onSubmit} data-testid="passkey-form">
          <label className="field">
            <span>Name of the new passkey</span>
            <input
              required
              maxLength={64}
              placeholder="Work laptop"
              value={name}
              onChange={(event) => setName(event.target.value)}
              data-testid="passkey-new-name"
            />
          </label>
          <FormSubmit
            action={register}
            label="Add a passkey"
            busyLabel="Waiting for the authenticator…"
            disabled={name.trim() === ''}
            testId="passkey-add"
          />
        </form>
      ) : (
        <p className="muted">This browser cannot use passkeys here (it needs HTTPS).</p>
      )}
    </>
  );
}
