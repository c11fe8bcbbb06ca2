import { trustedNetworkEndpoints } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { EmptyState } from '../../components/empty-state.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

/**
 * The list and its two changes. Each change saves the whole list at once; the server validates
 * it (a bad entry is refused, named, and nothing changes), applies it and audits it.
 */
function TrustedNetworkEditor({
  networks,
  onSaved,
}: {
  networks: readonly string[];
  onSaved: (networks: string[]) => void;
}) {
  const { can } = useConsole();
  const mayChange = can('settings.manage');
  const [entry, setEntry] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const save = useAction(
    (api, next: string[], done: string) =>
      api
        .call(trustedNetworkEndpoints.set, { body: { networks: next } })
        .then((saved) => ({ saved, done })),
    {
      onDone: ({ saved, done }) => {
        onSaved(saved.networks);
        setNotice(done);
        setEntry('');
      },
    },
  );
  const onAdd = (event: SyntheticEvent) => {
    event.preventDefault();
    setNotice(null);
    const value = entry.trim();
    save.run([...networks, value], `Added ${value}. It can reach the admin console now.`);
  };

  return (
    <>
      {notice && (
        <Notice kind="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      {networks.length === 0 ? (
        <EmptyState title="No trusted networks">
          The admin console answers on this server itself (localhost) only.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="trusted-networks">
            <thead>
              <tr>
                <th>Address or subnet</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {networks.map((network) => (
                <tr key={network} data-testid="trusted-network">
                  <td className="mono">{network}</td>
                  <td>
                    {mayChange && (
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button-small button-danger"
                          disabled={save.isRunning}
                          onClick={() =>
                            save.run(
                              networks.filter((other) => other !== network),
                              `Removed ${network}.`,
                            )
                          }
                          data-testid={`trusted-network-remove-${network}`}
                        >
                          Remove
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {mayChange ? (
        <form className="card form-grid" onSubmit={onAdd} data-testid="trusted-network-form">
          <h2 className="field-wide">Allow a network</h2>
          <label className="field">
            <span>IP address or CIDR subnet</span>
            <input
              value={entry}
              maxLength={64}
              placeholder="10.0.0.0/8"
              onChange={(event) => {
                setEntry(event.target.value);
                save.clearError();
              }}
              data-testid="trusted-network-entry"
            />
          </label>
          {save.error && (
            <div className="field-wide" data-testid="trusted-network-error">
              <Notice kind="error" onDismiss={save.clearError}>
                {save.error}
              </Notice>
            </div>
          )}
          <div className="field-wide">
            <button
              type="submit"
              className="button button-primary"
              disabled={save.isRunning || entry.trim() === ''}
              data-testid="trusted-network-add"
            >
              {save.isRunning ? 'Saving…' : 'Add'}
            </button>
          </div>
        </form>
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </>
  );
}

/**
 * Who may reach the admin console besides the server itself: IP addresses and subnets, changed
 * here or with `tether admin trusted-networks` on the server.
 *
 * @example
 * <TrustedNetworksSection />
 */
export function TrustedNetworksSection() {
  const [networks, reload, replace] = useLoad(
    (api) => api.call(trustedNetworkEndpoints.get, {}),
    [],
  );
  return (
    <>
      <PageHeader
        title="Trusted networks"
        subtitle="The admin console and /metrics answer on localhost and from these networks only; any other address is refused and audited."
      />
      <Loaded load={networks} onRetry={reload}>
        {(value) => (
          <TrustedNetworkEditor
            networks={value.networks}
            onSaved={(saved) => replace({ networks: saved })}
          />
        )}
      </Loaded>
    </>
  );
}
