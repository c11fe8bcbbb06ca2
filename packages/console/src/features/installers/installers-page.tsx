import type { CreateInstallerResponse } from '@tether/protocol';
import { useState } from 'react';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { useLoad } from '../../hooks/use-load.js';
import { useConsole } from '../../api/console-context.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { CreatedInstaller } from './created-installer.js';
import { InstallerForm } from './installer-form.js';
import { InstallerTable } from './installer-table.js';

/**
 * Installers: create one with its attributes, then download its agent package; see which are
 * active, extend or delete them.
 *
 * @example
 * <InstallersPage />
 */
export function InstallersPage() {
  const [installers, reload] = useLoad((api) => api.listInstallers(), []);
  const [created, setCreated] = useState<CreateInstallerResponse | null>(null);
  const { can } = useConsole();
  return (
    <>
      <PageHeader
        title="Installers"
        subtitle="An installer gives a time-limited agent package: install it on a machine to add it to Tether, with the group, tag and policies chosen here."
      />
      {!can('installers.manage') ? (
        <NotAllowed permission="installers.manage" />
      ) : created ? (
        <CreatedInstaller created={created} onDone={() => setCreated(null)} />
      ) : (
        <InstallerForm
          onCreated={(next) => {
            setCreated(next);
            reload();
          }}
        />
      )}
      <section>
        <h2 className="section-title">Installers</h2>
        <Loaded load={installers} onRetry={reload}>
          {(list) =>
            list.length === 0 ? (
              <EmptyState title="No installers yet">
                <p>Create one above; its agent package adds a machine to Tether.</p>
              </EmptyState>
            ) : (
              <InstallerTable installers={list} onChanged={reload} />
            )
          }
        </Loaded>
      </section>
    </>
  );
}
