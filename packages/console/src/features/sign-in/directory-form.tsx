import { useState, type SyntheticEvent } from 'react';
import { Checkbox } from '../../components/checkbox.js';
import { FormSubmit } from '../../components/form-submit.js';
import type { Action } from '../../hooks/use-action.js';
import type { DirectoryDraft } from './directory-draft.js';
import { LdapFields } from './ldap-fields.js';
import { MappingRows } from './mapping-rows.js';
import { RadiusFields } from './radius-fields.js';
import { TextField } from './text-field.js';

/**
 * The form of one directory (LDAP or RADIUS): its fields, its group mapping, Save and Cancel.
 *
 * @example
 * <DirectoryForm initial={draft} isNew save={save} onCancel={close} />
 */
export function DirectoryForm({
  initial,
  isNew,
  save,
  onCancel,
}: {
  initial: DirectoryDraft;
  isNew: boolean;
  save: Action<[DirectoryDraft]>;
  onCancel: () => void;
}) {
  const [view, setView] = useState(initial.view);
  const [secret, setSecret] = useState('');
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run({ view, secret });
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="directory-form">
      <h2>{view.type === 'ldap' ? 'LDAP / Active Directory' : 'RADIUS'}</h2>
      <TextField
        label="Name"
        value={view.name}
        onChange={(name) => setView({ ...view, name })}
        testId="directory-name"
      />
      {isNew && (
        <TextField
          label="Id"
          value={view.id}
          onChange={(id) => setView({ ...view, id })}
          hint="For the CLI and the API: lower-case letters, digits and -."
          testId="directory-id"
        />
      )}
      <TextField
        label="Timeout (seconds)"
        type="number"
        value={String(view.timeoutSec)}
        onChange={(text) => setView({ ...view, timeoutSec: Number(text) })}
        testId="directory-timeout"
      />
      <Checkbox
        checked={view.enabled}
        onChange={(enabled) => setView({ ...view, enabled })}
        testId="directory-enabled"
      >
        Ask this directory at sign-in
      </Checkbox>
      {view.type === 'ldap' ? (
        <LdapFields view={view} onChange={setView} secret={secret} onSecret={setSecret} />
      ) : (
        <RadiusFields view={view} onChange={setView} secret={secret} onSecret={setSecret} />
      )}
      <MappingRows
        mapping={view.mapping}
        onChange={(mapping) => setView({ ...view, mapping })}
        groupHint={view.type === 'ldap' ? 'cn=helpdesk,ou=groups,dc=example,dc=com' : 'Class value'}
      />
      <FormSubmit
        action={save}
        label="Save directory"
        busyLabel="Saving…"
        testId="directory-save"
      />
      <div className="field-wide">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
