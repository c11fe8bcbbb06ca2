import type { Policy, PolicySettingsUpdate, RecordingMode, SessionKind } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../components/notice.js';
import { useAction } from '../hooks/use-action.js';
import { kindLabels, SESSION_KINDS } from './policy-labels.js';

type ModeChoice = RecordingMode | 'unset';

interface FormState {
  name: string;
  description: string;
  modes: Record<SessionKind, ModeChoice>;
  hasStorage: boolean;
  url: string;
  authentication: 'password' | 'publicKey';
  /** Empty on an existing policy with storage: keep the stored credential. */
  credential: string;
}

function initialState(policy: Policy | undefined): FormState {
  const recording = policy?.settings.recording;
  const storage = policy?.settings.customStorage;
  return {
    name: policy?.name ?? '',
    description: policy?.description ?? '',
    modes: {
      terminal: recording?.terminal ?? 'unset',
      desktop: recording?.desktop ?? 'unset',
      files: recording?.files ?? 'unset',
    },
    hasStorage: storage !== undefined,
    url: storage?.url ?? '',
    authentication: storage?.authentication ?? 'password',
    credential: '',
  };
}

/** The settings to send; the credential is left out when the field is empty (keep the stored one). */
function settingsOf(state: FormState): PolicySettingsUpdate {
  const recording: NonNullable<PolicySettingsUpdate['recording']> = {};
  for (const kind of SESSION_KINDS) {
    const mode = state.modes[kind];
    if (mode !== 'unset') recording[kind] = mode;
  }
  const credential = state.credential.trim();
  return {
    ...(Object.keys(recording).length > 0 ? { recording } : {}),
    ...(state.hasStorage
      ? {
          customStorage: {
            url: state.url.trim(),
            authentication: state.authentication,
            ...(credential === '' ? {} : { credential }),
          },
        }
      : {}),
  };
}

const modeChoices: { value: ModeChoice; label: string }[] = [
  { value: 'unset', label: 'Not set (other policies or the default: recorded)' },
  { value: 'required', label: 'Record (end the session if recording fails)' },
  { value: 'off', label: 'Do not record' },
];

/**
 * Creates or edits a policy's name, description and settings: recording per session kind and
 * upload to custom storage with a CMS-sealed credential.
 *
 * @example
 * <PolicyForm policy={policy} onSaved={(saved) => setPolicy(saved)} />
 */
export function PolicyForm({
  policy,
  onSaved,
}: {
  policy?: Policy;
  onSaved: (policy: Policy) => void;
}) {
  const [state, setState] = useState(() => initialState(policy));
  const [isSaved, setSaved] = useState(false);
  const storedCredential = policy?.settings.customStorage?.credential;
  const save = useAction(
    (api) => {
      const base = { name: state.name.trim(), description: state.description.trim() };
      const settings = settingsOf(state);
      if (policy) return api.updatePolicy(policy.id, { ...base, settings });
      // A new policy has no stored credential to keep: an empty one is sent and refused clearly.
      const { customStorage, ...rest } = settings;
      return api.createPolicy({
        ...base,
        settings: {
          ...rest,
          ...(customStorage
            ? { customStorage: { ...customStorage, credential: customStorage.credential ?? '' } }
            : {}),
        },
      });
    },
    {
      onDone: (saved: Policy) => {
        setSaved(true);
        setState(initialState(saved));
        onSaved(saved);
      },
    },
  );
  const change = (patch: Partial<FormState>) => {
    setSaved(false);
    setState((previous) => ({ ...previous, ...patch }));
  };
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };

  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="policy-form">
      <h2>{policy ? 'Settings' : 'New policy'}</h2>
      <label className="field">
        <span>Name</span>
        <input
          value={state.name}
          onChange={(event) => change({ name: event.target.value })}
          required
          maxLength={128}
          data-testid="policy-name"
        />
      </label>
      <label className="field field-span-2">
        <span>Description</span>
        <input
          value={state.description}
          onChange={(event) => change({ description: event.target.value })}
          maxLength={2000}
          placeholder="e.g. Servers of the Paris office"
          data-testid="policy-description"
        />
      </label>
      {SESSION_KINDS.map((kind) => (
        <label key={kind} className="field">
          <span>{kindLabels[kind]} sessions</span>
          <select
            value={state.modes[kind]}
            onChange={(event) =>
              change({ modes: { ...state.modes, [kind]: modeChoice(event.target.value) } })
            }
            data-testid={`policy-recording-${kind}`}
          >
            {modeChoices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label className="checkbox field-wide">
        <input
          type="checkbox"
          checked={state.hasStorage}
          onChange={(event) => change({ hasStorage: event.target.checked })}
          data-testid="policy-storage-enabled"
        />
        Upload session recordings to custom storage (SFTP)
      </label>
      {state.hasStorage && (
        <StorageFields state={state} change={change} storedSha256={storedCredential?.sha256} />
      )}
      {save.error && (
        <div className="field-wide">
          <Notice kind="error" onDismiss={save.clearError}>
            {save.error}
          </Notice>
        </div>
      )}
      {isSaved && policy && (
        <div className="field-wide">
          <Notice kind="success">Saved. New sessions follow the changed settings.</Notice>
        </div>
      )}
      <div className="field-wide">
        <button
          type="submit"
          className="button button-primary"
          disabled={save.isRunning || state.name.trim() === ''}
          data-testid="policy-save"
        >
          {save.isRunning ? 'Saving…' : policy ? 'Save settings' : 'Create policy'}
        </button>
      </div>
    </form>
  );
}

function modeChoice(value: string): ModeChoice {
  return value === 'required' || value === 'off' ? value : 'unset';
}

function StorageFields({
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
        <small className="muted">
          The password or private key, sealed to this server&apos;s certificate, so only the
          uploading machine can read it. Make it with{' '}
          <code>tether storage seal --cert FILE --password-stdin</code> (or{' '}
          <code>--key-file KEY</code> for a private key) or with PowerShell&apos;s{' '}
          <code>Protect-CmsMessage -To cert.cer -Content $secret</code>.
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
