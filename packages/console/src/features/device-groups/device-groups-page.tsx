import { useState, type SyntheticEvent } from 'react';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { DeviceGroupRow } from './device-group-row.js';

/**
 * Device groups (administrators): create, rename, describe and delete the groups installers,
 * policies and integration tenants pick from.
 *
 * @example
 * <DeviceGroupsPage />
 */
export function DeviceGroupsPage() {
  const [groups, reload] = useLoad((api) => api.listDeviceGroups(), []);
  return (
    <>
      <PageHeader
        title="Device groups"
        subtitle="Installers enrol devices into a group; policies and integration tenants apply to groups. Renaming a group carries all of them along."
      />
      <NewGroupForm onCreated={reload} />
      <section>
        <h2 className="section-title">Groups</h2>
        <Loaded load={groups} onRetry={reload}>
          {(list) => (
            <div className="table-wrap">
              <table className="table" data-testid="group-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Description</th>
                    <th>Devices</th>
                    <th>Created</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {list.map((group) => (
                    <DeviceGroupRow key={group.id} group={group} onChanged={reload} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loaded>
      </section>
    </>
  );
}

function NewGroupForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useAction(
    (api) => api.createDeviceGroup({ name: name.trim(), description: description.trim() }),
    {
      onDone: () => {
        setName('');
        setDescription('');
        onCreated();
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    create.run();
  };
  return (
    <form className="card form-grid" onSubmit={onSubmit} data-testid="group-form">
      <h2>Create a group</h2>
      <label className="field">
        <span>Name</span>
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={128}
          placeholder="e.g. Paris servers"
          data-testid="group-name"
        />
        <small className="muted">Unique, ignoring letter case.</small>
      </label>
      <label className="field field-span-2">
        <span>Description</span>
        <input
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={1024}
          data-testid="group-description"
        />
      </label>
      <FormSubmit
        action={create}
        label="Create group"
        busyLabel="Creating…"
        disabled={name.trim() === ''}
        testId="group-create"
      />
    </form>
  );
}
