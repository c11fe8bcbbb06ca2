import type { DirectoriesResponse, DirectoryView } from '@tether/protocol';
import { useState } from 'react';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { newDirectory, toDirectoryInput, type DirectoryDraft } from '../sign-in/directory-draft.js';
import { DirectoryForm } from '../sign-in/directory-form.js';
import { DirectoryTestPanel } from '../sign-in/directory-test-panel.js';

/** Which directory is open: in the form (edited or new), or in the test panel. */
type Open = { kind: 'edit'; index: number; isNew: boolean } | { kind: 'test'; id: string } | null;

/**
 * The admin console's Directories (administrators): the LDAP / Active Directory and RADIUS
 * servers asked, in order, for the password of a user who is not local; add, edit, order,
 * remove, test.
 *
 * @example
 * <DirectoriesSection />
 */
export function DirectoriesSection() {
  const [load, reload] = useLoad((api) => api.listDirectories(), []);
  return (
    <>
      <PageHeader
        title="Directories"
        subtitle="LDAP / Active Directory and RADIUS servers that check the passwords of users who are not local. Users are created at their first sign-in with the role and teams their groups map to."
      />
      <Loaded load={load} onRetry={reload}>
        {(current) => <DirectoryList current={current} onSaved={reload} />}
      </Loaded>
    </>
  );
}

function DirectoryList({
  current,
  onSaved,
}: {
  current: DirectoriesResponse;
  onSaved: () => void;
}) {
  const [open, setOpen] = useState<Open>(null);
  const [list, setList] = useState<readonly DirectoryView[]>(current.directories);
  const isReadOnly = current.source === 'config file';
  const drafts = (views: readonly DirectoryView[]) => views.map((view) => ({ view, secret: '' }));
  const onDone = (saved: DirectoriesResponse) => {
    setList(saved.directories);
    setOpen(null);
    onSaved();
  };
  // Every change saves the whole ordered list; a secret goes only with the draft that typed one.
  const save = useAction(
    (api, next: readonly DirectoryDraft[]) =>
      api.setDirectories({ directories: next.map(toDirectoryInput) }),
    { onDone },
  );
  const saveEdited = useAction(
    (api, draft: DirectoryDraft) => {
      const next: DirectoryDraft[] = drafts(list);
      if (open?.kind === 'edit') next[open.index] = draft;
      return api.setDirectories({ directories: next.map(toDirectoryInput) });
    },
    { onDone },
  );
  const move = (index: number, by: number) => {
    const next = [...list];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    save.run(drafts(next));
  };
  const add = (type: 'ldap' | 'radius') => {
    setList([
      ...list,
      newDirectory(
        type,
        list.map((view) => view.id),
      ),
    ]);
    setOpen({ kind: 'edit', index: list.length, isNew: true });
  };
  const cancel = () => {
    setList(current.directories);
    setOpen(null);
  };
  const editing = open?.kind === 'edit' ? list[open.index] : undefined;
  return (
    <section data-testid="directories">
      {isReadOnly && (
        <Notice kind="info">
          Set in the config file (key &quot;directories&quot;): change them there. You can still
          test them.
        </Notice>
      )}
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
      {list.length === 0 && <p className="muted">No directory: only local users can sign in.</p>}
      <ol className="directory-list">
        {list.map((view, index) => (
          <li key={view.id} className="card" data-testid="directory-row">
            <strong>{view.name}</strong> <span className="muted">{describe(view)}</span>
            <div>
              <button
                type="button"
                className="button"
                onClick={() => setOpen({ kind: 'test', id: view.id })}
                data-testid="directory-test-open"
              >
                Test
              </button>
              {!isReadOnly && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="button"
                    onClick={() => setOpen({ kind: 'edit', index, isNew: false })}
                    data-testid="directory-edit"
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    className="button"
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                    data-testid="directory-up"
                  >
                    Up
                  </button>{' '}
                  <button
                    type="button"
                    className="button"
                    disabled={index === list.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    Down
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-danger"
                    onClick={() => save.run(drafts(list.filter((_, at) => at !== index)))}
                    data-testid="directory-remove"
                  >
                    Remove
                  </button>
                </>
              )}
            </div>
            {open?.kind === 'test' && open.id === view.id && <DirectoryTestPanel id={view.id} />}
          </li>
        ))}
      </ol>
      {editing && open?.kind === 'edit' && (
        <DirectoryForm
          key={open.index}
          initial={{ view: editing, secret: '' }}
          isNew={open.isNew}
          save={saveEdited}
          onCancel={cancel}
        />
      )}
      {!isReadOnly && !editing && (
        <p>
          <button
            type="button"
            className="button"
            onClick={() => add('ldap')}
            data-testid="directory-add-ldap"
          >
            Add LDAP / Active Directory
          </button>{' '}
          <button
            type="button"
            className="button"
            onClick={() => add('radius')}
            data-testid="directory-add-radius"
          >
            Add RADIUS
          </button>
        </p>
      )}
    </section>
  );
}

function describe(view: DirectoryView): string {
  const servers =
    view.type === 'ldap'
      ? view.urls.join(', ')
      : view.servers.map((s) => `${s.host}:${s.port}`).join(', ');
  const state = view.enabled ? '' : ' — not asked (disabled)';
  return `${view.type === 'ldap' ? 'LDAP' : 'RADIUS'} · ${servers}${state}`;
}
