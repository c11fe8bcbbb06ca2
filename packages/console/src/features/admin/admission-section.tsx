import { admissionEndpoints, type AdmissionView } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { SaveFooter } from '../../components/save-footer.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';

function AdmissionForm({
  initial,
  onSaved,
}: {
  initial: AdmissionView;
  onSaved: (view: AdmissionView) => void;
}) {
  const { can } = useConsole();
  const [rate, setRate] = useState(String(initial.agentsPerSec));
  const [confirmation, setConfirmation] = useState<string | null>(null);
  const save = useAction(
    (api) => api.call(admissionEndpoints.set, { body: { agentsPerSec: Number(rate) } }),
    {
      onDone: (view) => {
        setRate(String(view.agentsPerSec));
        setConfirmation(
          `Saved: ${view.agentsPerSec} agent connections per second from the next connection.`,
        );
        onSaved(view);
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form className="card" onSubmit={onSubmit} data-testid="admission-form">
      <p className="muted">
        How many agent connections this server accepts per second. After a restart or an outage the
        whole fleet reconnects at once; agents over the rate are told when to come back and
        reconnect then, none is lost. Technicians’ sign-ins, the console, the API and sessions are
        never counted, so a storm does not slow them down. 50 suits a small server; a large one with
        the CPU for it takes 300 and more.
      </p>
      <label className="field">
        <span>Agent connections per second</span>
        <input
          type="number"
          min={1}
          max={100_000}
          step={1}
          required
          value={rate}
          onChange={(event) => {
            setConfirmation(null);
            setRate(event.target.value);
          }}
          data-testid="admission-rate"
        />
      </label>
      <SaveFooter
        save={save}
        confirmation={confirmation}
        mayChange={can('settings.manage')}
        testId="admission-save"
      />
    </form>
  );
}

/** What admission did since the server started: whether the rate ever holds agents back. */
function AdmissionCounts({ view }: { view: AdmissionView }) {
  return (
    <dl className="card" data-testid="admission-counts">
      <dt>Admitted since the start</dt>
      <dd>{view.admitted}</dd>
      <dt>Told to come back later</dt>
      <dd>{view.deferred}</dd>
      <dt>Agents waiting</dt>
      <dd>
        {view.queueMs > 0
          ? `the last one comes back in ${Math.ceil(view.queueMs / 1000)} s`
          : 'none'}
      </dd>
    </dl>
  );
}

/**
 * The admin console's connection admission editor (A-13): the agents' admission rate and what
 * it did since the server started.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'admission', label: 'Agent admission', render: () => <AdmissionSection /> }
 */
export function AdmissionSection() {
  const [view, reload, setView] = useLoad((api) => api.call(admissionEndpoints.get, {}), []);
  return (
    <Loaded load={view} onRetry={reload}>
      {(value) => (
        <>
          <AdmissionForm initial={value} onSaved={setView} />
          <AdmissionCounts view={value} />
        </>
      )}
    </Loaded>
  );
}
