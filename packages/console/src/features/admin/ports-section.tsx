import {
  portEndpoints,
  type ListenerName,
  type ListenerState,
  type PortSettings,
  type PortsStatus,
} from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { FormSubmit } from '../../components/form-submit.js';
import { Loaded } from '../../components/loaded.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

const LABELS: Record<ListenerName, string> = {
  https: 'HTTPS (console, API, agents)',
  http: 'HTTP (redirects to HTTPS)',
  admin: 'Admin interface (/conf)',
};

const SOURCES: Record<ListenerState['source'], string> = {
  config: 'config file',
  console: 'saved here',
  startup: 'flag or variable at start',
};

function StateCell({ state }: { state: ListenerState }) {
  if (state.status === 'bound') return <>Listening on {state.port}</>;
  if (state.status === 'off') return <span className="muted">Off</span>;
  return (
    <strong className="field-error">
      Not listening: {state.reason ?? state.code ?? 'unknown error'}
    </strong>
  );
}

function ListenerTable({ listeners }: { listeners: readonly ListenerState[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="ports-listeners">
        <thead>
          <tr>
            <th>Listener</th>
            <th>Asked for</th>
            <th>Now</th>
          </tr>
        </thead>
        <tbody>
          {listeners.map((state) => (
            <tr key={state.name} data-testid={`ports-listener-${state.name}`}>
              <td>{LABELS[state.name]}</td>
              <td>
                {state.requested === null ? 'off' : `${state.host}:${state.requested}`}{' '}
                <span className="muted">({SOURCES[state.source]})</span>
              </td>
              <td>
                <StateCell state={state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The port field's text → a port, null (HTTP off), or undefined (not a port). */
function parsePort(text: string, mayBeOff: boolean): number | null | undefined {
  if (mayBeOff && text.trim() === '') return null;
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function PortsForm({
  status,
  onSaved,
}: {
  status: PortsStatus;
  onSaved: (next: PortsStatus) => void;
}) {
  const { can } = useConsole();
  const current = (name: ListenerName): string => {
    const port = status.saved
      ? status.saved[name]
      : status.listeners.find((s) => s.name === name)?.requested;
    return port === null || port === undefined || port === 0 ? '' : String(port);
  };
  const [texts, setTexts] = useState<Record<ListenerName, string>>({
    https: current('https'),
    http: current('http'),
    admin: current('admin'),
  });
  const ports = {
    https: parsePort(texts.https, false),
    http: parsePort(texts.http, true),
    admin: parsePort(texts.admin, false),
  };
  const { https, http, admin } = ports;
  const valid: PortSettings | undefined =
    https !== undefined &&
    https !== null &&
    http !== undefined &&
    admin !== undefined &&
    admin !== null
      ? { https, http, admin }
      : undefined;
  const save = useAction((api, body: PortSettings) => api.call(portEndpoints.set, { body }), {
    onDone: onSaved,
  });
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    if (valid) save.run(valid);
  };
  const field = (name: ListenerName, hint: string) => (
    <label className="field field-narrow" key={name}>
      <span>{LABELS[name]}</span>
      <input
        inputMode="numeric"
        value={texts[name]}
        placeholder={name === 'http' ? 'off' : undefined}
        onChange={(event) => setTexts({ ...texts, [name]: event.target.value })}
        aria-invalid={ports[name] === undefined}
        data-testid={`ports-${name}`}
      />
      <small className={ports[name] === undefined ? 'field-error' : 'muted'}>
        {ports[name] === undefined ? 'Choose a port from 1 to 65535.' : hint}
      </small>
    </label>
  );
  return (
    <form className="card" onSubmit={onSubmit} data-testid="ports-form">
      <h2>Ports for the next start</h2>
      <p className="muted">
        Saved ports replace the config file&apos;s when the server restarts (
        <code>systemctl restart tether</code>): moving the HTTPS port while agents are connected
        would strand them, and moving this page&apos;s port would cut it. A port given by flag or
        variable at start still wins.
      </p>
      {field('https', 'Usually 443. Agents enrolled with another port keep using their URL.')}
      {field('http', 'Usually 80; empty turns the redirect off.')}
      {field('admin', 'Usually 7615.')}
      {can('settings.manage') ? (
        <FormSubmit
          action={save}
          label="Save ports"
          busyLabel="Saving…"
          disabled={!valid}
          testId="ports-save"
        />
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </form>
  );
}

/**
 * The admin console's Ports section (S-4): each listener's port and whether it is listening
 * (or why not), and the ports for the next start.
 *
 * @example
 * <PortsSection />
 */
export function PortsSection() {
  const [status, reload, replace] = useLoad((api) => api.call(portEndpoints.get, {}), []);
  return (
    <Loaded load={status} onRetry={reload}>
      {(value) => (
        <>
          <div className="card">
            <h2>Listeners</h2>
            <ListenerTable listeners={value.listeners} />
          </div>
          {value.restartRequired && (
            <Notice kind="warning">
              <span data-testid="ports-restart">
                The saved ports differ from those in use: they apply when the server restarts.
              </span>
            </Notice>
          )}
          {value.pinned.length > 0 && (
            <Notice kind="info">
              Set at start by a flag or variable, so a saved value does not apply:{' '}
              {value.pinned.map((name) => LABELS[name]).join(', ')}.
            </Notice>
          )}
          <PortsForm status={value} onSaved={replace} />
        </>
      )}
    </Loaded>
  );
}
