import { StatisticKind, type StatisticsSettings } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { PageHeader } from '../../components/page-header.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { Checkbox } from '../../components/checkbox.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { useConsole } from '../../api/console-context.js';
import { SignInSettingsLinks } from '../sign-in/sign-in-settings-links.js';
import { statisticLabels } from './statistic-labels.js';
import { GroupStatisticsPanel } from './group-statistics-panel.js';

function StatisticsForm({ initial }: { initial: StatisticsSettings }) {
  const { can } = useConsole();
  const mayChange = can('settings.manage');
  const [intervalSec, setIntervalSec] = useState(String(initial.intervalSec));
  const [enabled, setEnabled] = useState<ReadonlySet<StatisticKind>>(new Set(initial.enabled));
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const interval = Number(intervalSec);
  const isIntervalValid = Number.isInteger(interval) && interval >= 5 && interval <= 3600;
  const save = useAction(
    (api) =>
      api.updateStatisticsSettings({
        intervalSec: interval,
        enabled: StatisticKind.options.filter((kind) => enabled.has(kind)),
      }),
    { onDone: () => setSavedAt(Date.now()) },
  );

  const toggle = (kind: StatisticKind) => {
    setSavedAt(null);
    setEnabled((previous) => {
      const next = new Set(previous);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
  };
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
      <label className="field field-narrow">
        <span>Interval (seconds)</span>
        <input
          type="number"
          min={5}
          max={3600}
          step={1}
          value={intervalSec}
          onChange={(event) => {
            setSavedAt(null);
            setIntervalSec(event.target.value);
          }}
          aria-invalid={!isIntervalValid}
          data-testid="statistics-interval"
        />
        {!isIntervalValid && <small className="field-error">Choose 5 to 3600 seconds.</small>}
      </label>
      <fieldset className="checkboxes">
        <legend>Statistics to collect</legend>
        {StatisticKind.options.map((kind) => (
          <Checkbox
            key={kind}
            checked={enabled.has(kind)}
            onChange={() => toggle(kind)}
            testId={`statistic-${kind}`}
          >
            {statisticLabels[kind]}
          </Checkbox>
        ))}
      </fieldset>
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
          disabled={!isIntervalValid || save.isRunning}
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
