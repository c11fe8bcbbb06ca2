import type {
  CreateInstallerRequest,
  InstallerAttributeName,
  InstallerAttributes,
} from '@tether/protocol';
import type { ReactNode } from 'react';

/** The attributes of an installer as the form edits them (text as typed). */
export interface AttributeDraft {
  name: string;
  comments: string;
  tag: string;
  jumpPolicy: string;
  sessionPolicyPresent: string;
  sessionPolicyNotPresent: string;
  publicSiteAddress: string;
  connectionType: InstallerAttributes['connectionType'];
  maxOfflineMinutes: string;
  mode: InstallerAttributes['mode'];
  minimizeOnStart: boolean;
}

export const EMPTY_DRAFT: AttributeDraft = {
  name: '',
  comments: '',
  tag: '',
  jumpPolicy: '',
  sessionPolicyPresent: '',
  sessionPolicyNotPresent: '',
  publicSiteAddress: '',
  connectionType: 'active',
  maxOfflineMinutes: '',
  mode: 'service',
  minimizeOnStart: false,
};

/** What the request carries of the draft: empty text leaves the default. */
export function attributesOfDraft(
  draft: AttributeDraft,
): Omit<CreateInstallerRequest, 'group' | 'validForSec'> {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return {
    name: text(draft.name),
    comments: text(draft.comments),
    tag: text(draft.tag),
    jumpPolicy: text(draft.jumpPolicy),
    sessionPolicyPresent: text(draft.sessionPolicyPresent),
    sessionPolicyNotPresent: text(draft.sessionPolicyNotPresent),
    publicSiteAddress: text(draft.publicSiteAddress),
    connectionType: draft.connectionType,
    maxOfflineMinutes: draft.maxOfflineMinutes === '' ? null : Number(draft.maxOfflineMinutes),
    mode: draft.mode,
    minimizeOnStart: draft.minimizeOnStart,
  };
}

/** The "allow override at install time" box of one attribute. */
export function OverrideCheckbox({
  attribute,
  overridable,
  onChange,
}: {
  attribute: InstallerAttributeName;
  overridable: ReadonlySet<InstallerAttributeName>;
  onChange: (next: ReadonlySet<InstallerAttributeName>) => void;
}) {
  const toggle = (checked: boolean) => {
    const next = new Set(overridable);
    if (checked) next.add(attribute);
    else next.delete(attribute);
    onChange(next);
  };
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={overridable.has(attribute)}
        onChange={(event) => toggle(event.target.checked)}
        data-testid={`installer-override-${attribute}`}
      />
      <small>Allow override at install time</small>
    </label>
  );
}

/** One attribute: its label, its control, a hint and its override box. */
function AttributeField(props: {
  attribute: InstallerAttributeName;
  label: string;
  hint?: string;
  overridable: ReadonlySet<InstallerAttributeName>;
  onOverridable: (next: ReadonlySet<InstallerAttributeName>) => void;
  children: ReactNode;
}) {
  return (
    <div className="field" data-attribute={props.attribute}>
      <span>{props.label}</span>
      {props.children}
      {props.hint && <small className="muted">{props.hint}</small>}
      <OverrideCheckbox
        attribute={props.attribute}
        overridable={props.overridable}
        onChange={props.onOverridable}
      />
    </div>
  );
}

type TextAttribute = {
  [K in keyof AttributeDraft]: AttributeDraft[K] extends string ? K : never;
}[keyof AttributeDraft];

const TEXT_FIELDS: { attribute: TextAttribute; label: string; hint: string; max: number }[] = [
  { attribute: 'name', label: 'Device name', hint: 'Empty: each device’s hostname.', max: 128 },
  { attribute: 'comments', label: 'Comments', hint: 'Shown on each device.', max: 1024 },
  { attribute: 'tag', label: 'Tag', hint: 'A tag each device gets.', max: 64 },
  {
    attribute: 'jumpPolicy',
    label: 'Jump policy',
    hint: 'A policy assigned to each device (e.g. access windows).',
    max: 128,
  },
  {
    attribute: 'sessionPolicyPresent',
    label: 'Session policy, user present',
    hint: 'A policy assigned to each device.',
    max: 128,
  },
  {
    attribute: 'sessionPolicyNotPresent',
    label: 'Session policy, user not present',
    hint: 'A policy assigned to each device.',
    max: 128,
  },
  {
    attribute: 'publicSiteAddress',
    label: 'Public site address',
    hint: 'https address the agents connect to. Empty: the server’s public address.',
    max: 2048,
  },
];

const POLICY_FIELDS = new Set<TextAttribute>([
  'jumpPolicy',
  'sessionPolicyPresent',
  'sessionPolicyNotPresent',
]);

/**
 * Every attribute of an installer but its group, each with its override box.
 * Policies are typed by name; `policyNames` (when the user may read policies) completes them.
 *
 * @example
 * <InstallerAttributeFields draft={draft} onDraft={setDraft} overridable={set} onOverridable={setSet} policyNames={names} />
 */
export function InstallerAttributeFields(props: {
  draft: AttributeDraft;
  onDraft: (draft: AttributeDraft) => void;
  overridable: ReadonlySet<InstallerAttributeName>;
  onOverridable: (next: ReadonlySet<InstallerAttributeName>) => void;
  policyNames: readonly string[];
}) {
  const { draft, onDraft } = props;
  const field = { overridable: props.overridable, onOverridable: props.onOverridable };
  return (
    <>
      <datalist id="installer-policy-names">
        {props.policyNames.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {TEXT_FIELDS.map(({ attribute, label, hint, max }) => (
        <AttributeField key={attribute} attribute={attribute} label={label} hint={hint} {...field}>
          <input
            aria-label={label}
            value={draft[attribute]}
            maxLength={max}
            list={POLICY_FIELDS.has(attribute) ? 'installer-policy-names' : undefined}
            onChange={(event) => onDraft({ ...draft, [attribute]: event.target.value })}
            data-testid={`installer-${attribute}`}
          />
        </AttributeField>
      ))}
      <AttributeField attribute="connectionType" label="Connection type" {...field}>
        <select
          aria-label="Connection type"
          value={draft.connectionType}
          onChange={(event) =>
            onDraft({
              ...draft,
              connectionType: event.target.value === 'passive' ? 'passive' : 'active',
            })
          }
          data-testid="installer-connectionType"
        >
          <option value="active">Active (stays connected)</option>
          <option value="passive">Passive (waits for a wake-up)</option>
        </select>
      </AttributeField>
      <AttributeField
        attribute="maxOfflineMinutes"
        label="Max offline minutes"
        hint="Offline longer than this, the agent uninstalls itself. 5 = ephemeral. Empty: the global setting."
        {...field}
      >
        <input
          aria-label="Max offline minutes"
          type="number"
          min={5}
          step={1}
          value={draft.maxOfflineMinutes}
          onChange={(event) => onDraft({ ...draft, maxOfflineMinutes: event.target.value })}
          data-testid="installer-maxOfflineMinutes"
        />
      </AttributeField>
      <AttributeField
        attribute="mode"
        label="Install mode"
        hint="User mode runs only in one user’s session; an install that cannot become root falls back to it."
        {...field}
      >
        <select
          aria-label="Install mode"
          value={draft.mode}
          onChange={(event) =>
            onDraft({ ...draft, mode: event.target.value === 'user' ? 'user' : 'service' })
          }
          data-testid="installer-mode"
        >
          <option value="service">Service (elevated, its own account)</option>
          <option value="user">User</option>
        </select>
      </AttributeField>
      <AttributeField attribute="minimizeOnStart" label="Window" {...field}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.minimizeOnStart}
            onChange={(event) => onDraft({ ...draft, minimizeOnStart: event.target.checked })}
            data-testid="installer-minimizeOnStart"
          />
          Minimise on start (desktop platforms)
        </label>
      </AttributeField>
    </>
  );
}
