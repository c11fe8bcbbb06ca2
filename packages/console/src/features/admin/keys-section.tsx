import type { ServerKeyInfo, ServerKeyStatus } from '@tether/protocol';
import { useEffect, useState } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { formatDateTime } from '../../format/format.js';

/** How often the list is fetched again while agents are still on an old key. */
const HANDOVER_REFRESH_MS = 3_000;

const statusLabels: Record<ServerKeyStatus, string> = {
  current: 'Current',
  previous: 'Handing over',
  retired: 'Retired',
};

/**
 * Server signing keys (S-6): the keys with the agents still on each, "Generate a new key and
 * rotate", and "Retire" for old keys, confirmed when agents would need a new enrolment. While
 * agents are still on an old key the list refreshes itself: connected agents re-pin moments
 * after a rotation, offline ones when they return, and the count is what "Retire" goes by.
 *
 * @example
 * { name: 'keys', label: 'Server keys', render: () => <KeysSection /> }
 */
export function KeysSection() {
  const { can } = useConsole();
  const [load, reload] = useLoad((api) => api.listServerKeys(), []);
  const [done, setDone] = useState<string | null>(null);
  const rotate = useAction((api) => api.rotateServerKey(), {
    onDone: ({ key, agentsNotified }) => {
      setDone(
        `Key ${key.fingerprint} is now current. ${agentsNotified} connected agent${agentsNotified === 1 ? ' was' : 's were'} handed over; the others re-pin when they next connect.`,
      );
      reload();
    },
  });
  const retire = useAction(
    (api, key: ServerKeyInfo) =>
      api.retireServerKey(key.fingerprint, { confirm: key.agentsPinned > 0 }),
    {
      onDone: (key) => {
        setDone(`Key ${key.fingerprint} is retired.`);
        reload();
      },
    },
  );
  const askRetire = (key: ServerKeyInfo): void => {
    const question =
      key.agentsPinned > 0
        ? `${key.agentsPinned} agent${key.agentsPinned === 1 ? ' is' : 's are'} still on key ${key.fingerprint}. Once it is retired they cannot connect until enrolled again. Retire it anyway?`
        : `Retire key ${key.fingerprint}? Installers made with it stop working.`;
    if (window.confirm(question)) retire.run(key);
  };
  const handingOver =
    load.state === 'ready' &&
    load.value.keys.some((key) => key.status === 'previous' && key.agentsPinned > 0);
  useEffect(() => {
    if (!handingOver) return;
    const timer = window.setInterval(reload, HANDOVER_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [handingOver, reload]);
  const canManage = can('settings.manage');
  const error = rotate.error ?? retire.error;

  return (
    <section className="admin-keys" data-testid="admin-keys">
      <p className="muted">
        The server signs installers and proves itself to agents with this key. Rotating makes a new
        key current; the old key signs a hand-over so agents move to the new key without being
        enrolled again. Retire the old key once no agent is left on it.
      </p>
      {done && (
        <Notice kind="success" onDismiss={() => setDone(null)}>
          {done}
        </Notice>
      )}
      {error && (
        <Notice
          kind="error"
          onDismiss={() => {
            rotate.clearError();
            retire.clearError();
          }}
        >
          {error}
        </Notice>
      )}
      <Loaded load={load} onRetry={reload}>
        {({ keys }) => (
          <div className="table-wrap">
            <table className="table" data-testid="server-key-table">
              <thead>
                <tr>
                  <th>Fingerprint (SHA-256)</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th>Agents on it</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.fingerprint} data-testid="server-key-row">
                    <td>
                      <code>{key.fingerprint}</code>
                    </td>
                    <td>
                      <span className={`badge badge-${key.status}`}>
                        {statusLabels[key.status]}
                      </span>
                      {key.retiredAt && (
                        <span className="muted"> {formatDateTime(key.retiredAt)}</span>
                      )}
                    </td>
                    <td>{formatDateTime(key.createdAt)}</td>
                    <td data-testid="server-key-agents">{key.agentsPinned}</td>
                    <td className="align-end">
                      {canManage && key.status === 'previous' && (
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={retire.isRunning}
                          onClick={() => askRetire(key)}
                          data-testid="server-key-retire"
                        >
                          Retire
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      {canManage && (
        <button
          type="button"
          className="button button-primary"
          disabled={rotate.isRunning}
          onClick={() => {
            if (window.confirm('Generate a new server key and hand over to it?')) rotate.run();
          }}
          data-testid="server-key-rotate"
        >
          Generate a new key and rotate
        </button>
      )}
    </section>
  );
}
