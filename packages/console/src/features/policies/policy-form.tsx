import { type Policy, type PolicySettingsUpdate } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { kindLabels, SESSION_KINDS } from './policy-labels.js';
import { AssistanceFields } from './policy-assistance-fields.js';
import { StorageFields } from './policy-storage-fields.js';
import { assistanceFormState, assistanceSettings } from './policy-assistance-form.js';
import type { FormState, ModeChoice } from './policy-form-state.js';
import { Checkbox } from '../../components/checkbox.js';

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
    hostKey: storage?.hostKey ?? '',
    authentication: storage?.authentication ?? 'password',
    credential: '',
    assistance: assistanceFormState(policy?.settings.assistance),
    concurrent: concurrentChoice(policy?.settings.sessions?.concurrent),
  };
}

function concurrentChoice(concurrent: boolean | undefined): FormState['concurrent'] {
  if (concurrent === undefined) return 'unset';
  return concurrent ? 'allowed' : 'one';
}

/** The settings to send; the credential is left out when the field is empty (keep the stored one). */
function settingsOf(state: FormState): PolicySettingsUpdate {
  const recording: NonNullable<PolicySettingsUpdate['recording']> = {};
  for (const kind of SESSION_KINDS) {
    const mode = state.modes[kind];
    if (mode !== 'unset') recording[kind] = mode;
  }
  const credential = state.credential.trim();
  const assistance = assistanceSettings(state.assistance);
  return {
    ...(assistance ? { assistance } : {}),
    ...(state.concurrent === 'unset'
      ? {}
      : { sessions: { concurrent: state.concurrent === 'allowed' } }),
    ...(Object.keys(recording).length > 0 ? { recording } : {}),
    ...(state.hasStorage
      ? {
          customStorage: {
            url: state.url.trim(),
            ...(state.hostKey.trim() === '' ? {} : { hostKey: state.hostKey.trim() }),
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
    async (api) => {
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
      <Checkbox
        checked={state.hasStorage}
        onChange={(checked) => change({ hasStorage: checked })}
        testId="policy-storage-enabled"
        isWide
      >
        Upload session recordings to custom storage (SFTP)
      </Checkbox>
      {state.hasStorage && (
        <StorageFields state={state} change={change} storedSha256={storedCredential?.sha256} />
      )}
      <AssistanceFields state={state.assistance} change={(assistance) => change({ assistance })} />
      <label className="field">
        <span>Concurrent sessions</span>
        <select
          value={state.concurrent}
          onChange={(event) =>
            change({
              concurrent:
                event.target.value === 'allowed' || event.target.value === 'one'
                  ? event.target.value
                  : 'unset',
            })
          }
          data-testid="policy-concurrent-sessions"
        >
          <option value="unset">Not set (other policies or the default: one technician)</option>
          <option value="one">One technician at a time (others join by invitation)</option>
          <option value="allowed">Several technicians at once</option>
        </select>
      </label>
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
