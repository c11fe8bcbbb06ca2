import {
  ADHOC_VALID_MINUTES,
  adhocSessionEndpoints,
  type AdhocSession,
  type CreateAdhocSessionResponse,
} from '@tether/protocol';
import type { TetherClient } from '@tether/sdk';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { CopyButton } from '../../components/copy-button.js';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { Link } from '../../routing/link.js';
import { GroupSelect } from '../device-groups/group-select.js';

/** How often the list refreshes while a session is waiting or connected. */
const REFRESH_MS = 5000;

const STATE_LABELS: Record<AdhocSession['state'], string> = {
  waiting: 'Waiting for the user',
  connected: 'Connected',
  ended: 'Ended',
  expired: 'Expired',
};

/**
 * Ad-hoc sessions: make a code for a user who has no agent, read it to them with the
 * portal's address, then open a session on the device that takes it.
 *
 * @example
 * <AdhocSessionsPage />
 */
export function AdhocSessionsPage() {
  const { can } = useConsole();
  const [sessions, reload] = useLoad(
    (api: TetherClient) => api.call(adhocSessionEndpoints.list, {}),
    [],
  );
  const [created, setCreated] = useState<CreateAdhocSessionResponse | null>(null);
  // While a user may be running the one-time agent, the list follows by itself.
  const isLive =
    sessions.state === 'ready' &&
    sessions.value.sessions.some((each) => each.state === 'waiting' || each.state === 'connected');
  useEffect(() => {
    if (!isLive) return undefined;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [isLive, reload]);
  return (
    <>
      <PageHeader
        title="Ad-hoc sessions"
        subtitle="For a machine without an agent: the user enters a code on the support portal and runs a one-time agent that installs nothing and asks them before every session."
        actions={
          <button type="button" onClick={reload}>
            Refresh
          </button>
        }
      />
      {!can('sessions.open') ? (
        <NotAllowed permission="sessions.open" />
      ) : created ? (
        <CreatedCode created={created} onDone={() => setCreated(null)} />
      ) : (
        <AdhocForm
          onCreated={(next) => {
            setCreated(next);
            reload();
          }}
        />
      )}
      <section>
        <h2 className="section-title">Latest ad-hoc sessions</h2>
        <Loaded load={sessions} onRetry={reload}>
          {(list) =>
            list.sessions.length === 0 ? (
              <EmptyState title="No ad-hoc sessions yet">
                <p>Create a code above and read it to the user.</p>
              </EmptyState>
            ) : (
              <AdhocTable sessions={list.sessions} onChanged={reload} />
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function AdhocForm({ onCreated }: { onCreated: (created: CreateAdhocSessionResponse) => void }) {
  const [group, setGroup] = useState('');
  const [minutes, setMinutes] = useState(String(ADHOC_VALID_MINUTES.default));
  const [allowInstalledAgent, setAllowInstalledAgent] = useState(true);
  const create = useAction(
    (api: TetherClient) =>
      api.call(adhocSessionEndpoints.create, {
        body: { group, validMinutes: Number(minutes), allowInstalledAgent },
      }),
    { onDone: onCreated },
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    create.run();
  };
  return (
    <form className="card" onSubmit={submit} data-testid="adhoc-form">
      <h2>New ad-hoc session</h2>
      <GroupSelect
        value={group}
        onChange={setGroup}
        label="Device group"
        hint="The user's machine joins it for the session: its policies apply."
        placeholder="Choose a group"
        testId="adhoc-group"
      />
      <label>
        Code valid for (minutes)
        <input
          type="number"
          name="validMinutes"
          min={ADHOC_VALID_MINUTES.min}
          max={ADHOC_VALID_MINUTES.max}
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
        />
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={allowInstalledAgent}
          onChange={(event) => setAllowInstalledAgent(event.target.checked)}
        />
        Use the agent already installed on the machine, if there is one
      </label>
      {create.error && <Notice kind="error">{create.error}</Notice>}
      <button type="submit" disabled={create.isRunning || group === ''}>
        {create.isRunning ? 'Creating…' : 'Create code'}
      </button>
    </form>
  );
}

function CreatedCode({
  created,
  onDone,
}: {
  created: CreateAdhocSessionResponse;
  onDone: () => void;
}) {
  const spaced = created.code.replace(/(\d{3})(?=\d)/g, '$1 ');
  return (
    <section className="card" data-testid="adhoc-created">
      <h2>Read this to the user</h2>
      <p>
        Open <strong>{created.portalUrl}</strong> and enter the code{' '}
        <strong className="access-id" data-testid="adhoc-code">
          {spaced}
        </strong>
        .
      </p>
      <CopyButton text={`${created.portalUrl} — code ${spaced}`} label="Copy" />
      <p className="muted">
        It works once, until {new Date(created.session.expiresAt).toLocaleTimeString()}; it is shown
        only now. The device appears below when the user runs the one-time agent.
      </p>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function AdhocTable({
  sessions,
  onChanged,
}: {
  sessions: readonly AdhocSession[];
  onChanged: () => void;
}) {
  const end = useAction(
    (api: TetherClient, id: string) => api.call(adhocSessionEndpoints.end, { params: { id } }),
    { onDone: onChanged },
  );
  return (
    <>
      {end.error && <Notice kind="error">{end.error}</Notice>}
      <table className="table" data-testid="adhoc-sessions">
        <thead>
          <tr>
            <th>State</th>
            <th>Device</th>
            <th>Group</th>
            <th>Technician</th>
            <th>Code valid until</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id} data-state={session.state}>
              <td>{STATE_LABELS[session.state]}</td>
              <td>
                {session.deviceId ? (
                  <Link href={`/devices/${session.deviceId}`}>
                    {visibleText(session.deviceName ?? session.deviceId)}
                  </Link>
                ) : (
                  '—'
                )}
                {session.deviceId &&
                  (session.isInstalledAgent ? ' (installed agent)' : ' (one-time agent)')}
              </td>
              <td>{visibleText(session.group)}</td>
              <td>{visibleText(session.createdBy)}</td>
              <td>{new Date(session.expiresAt).toLocaleString()}</td>
              <td>
                {(session.state === 'waiting' || session.state === 'connected') && (
                  <button
                    type="button"
                    disabled={end.isRunning}
                    onClick={() => end.run(session.id)}
                  >
                    End
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
