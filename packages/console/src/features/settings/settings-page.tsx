import type { StatisticsInForce, StatisticsSettingsView } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Loaded } from '../../components/loaded.js';
import { formatDuration } from '../../format/format.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { useConsole } from '../../api/console-context.js';
import { SignInSettingsLinks } from '../sign-in/sign-in-settings-links.js';
import { StatisticsFields, useStatisticsFields } from './statistics-fields.js';
import { GroupStatisticsPanel } from './group-statistics-panel.js';

/**
 * The interval agents of this server use: the configured one, or a longer one while more
 * agents are connected than the server's samples a second allow.
 */
function IntervalInForce({
  configuredSec,
  inForce,
}: {
  configuredSec: number;
  inForce: StatisticsInForce;
}) {
  const agents = `${inForce.connectedAgents.toLocaleString('en')} ${inForce.connectedAgents === 1 ? 'agent' : 'agents'} connected to this server`;
  const budget = `this server takes at most ${inForce.samplesPerSec.toLocaleString('en')} samples a second`;
  const every = `In force: every ${formatDuration(inForce.intervalSec)}`;
  return (
    <p className="muted" data-testid="statistics-in-force">
      {inForce.intervalSec > configuredSec
        ? `${every}, lengthened from ${formatDuration(configuredSec)} for the ${agents} (${budget}). Group intervals are lengthened the same way, and return to what is set as the fleet shrinks.`
        : `${every} (${agents}). Since ${budget}, a larger fleet gets a longer interval.`}
    </p>
  );
}

function StatisticsForm({ initial }: { initial: StatisticsSettingsView }) {
  const { can } = useConsole();
  const mayChange = can('settings.manage');
  const fields = useStatisticsFields(initial);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [saved, setSaved] = useState(initial);
  const save = useAction((api) => api.updateStatisticsSettings(fields.settings()), {
    onDone: (view) => {
      setSaved(view);
      setSavedAt(Date.now());
    },
  });

  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };

  return (
    <form className="card" onSubmit={onSubmit} data-testid="statistics-form">
      <h2>Device statistics</h2>
      <p className="muted">
        What agents report, and how often. Fewer statistics and a longer interval keep a large fleet
        cheap.
      </p>
      <StatisticsFields
        fields={fields}
        legend="Statistics to collect"
        testIdPrefix=""
        onEdit={() => setSavedAt(null)}
      />
      <IntervalInForce configuredSec={saved.intervalSec} inForce={saved.inForce} />
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
      {savedAt !== null && (
        <Notice kind="success">Saved. Agents apply the new settings at their next report.</Notice>
      )}
      {mayChange ? (
        <button
          type="submit"
          className="button button-primary"
          disabled={!fields.isIntervalValid || save.isRunning}
          data-testid="statistics-save"
        >
          {save.isRunning ? 'Saving…' : 'Save'}
        </button>
      ) : (
        <NotAllowed permission="settings.manage" />
      )}
    </form>
  );
}

/**
 * Server settings an administrator changes from the console: device statistics (sign-in
 * settings are in the admin interface; the page says where).
 *
 * @example
 * <SettingsPage />
 */
export function SettingsPage() {
  const [settings, reload] = useLoad((api) => api.getStatisticsSettings(), []);
  return (
    <>
      <PageHeader title="Settings" />
      <SignInSettingsLinks />
      <Loaded load={settings} onRetry={reload}>
        {(value) => <StatisticsForm initial={value} />}
      </Loaded>
      <GroupStatisticsPanel />
    </>
  );
}
