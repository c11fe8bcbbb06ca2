import { StatisticKind, type StatisticsSettings } from '@tether/protocol';
import { useState } from 'react';
import { Checkbox } from '../../components/checkbox.js';

/** Each statistic as the settings forms name it. */
export const statisticLabels: Record<StatisticKind, string> = {
  cpu: 'CPU use',
  memory: 'Memory use',
  disk: 'Disk use',
  uptime: 'Uptime',
  consoleUser: 'Console user (who is signed in at the machine)',
  screenThumbnail: 'Screen thumbnail (agents run with --vnc or --x11vnc-display)',
};

/** The state of one statistics form (fleet-wide or a group's); see {@link StatisticsFields}. */
export interface StatisticsFieldsState {
  intervalSec: string;
  enabled: ReadonlySet<StatisticKind>;
  setIntervalSec(text: string): void;
  toggle(kind: StatisticKind): void;
  /** Replaces both fields (a group chosen whose own settings the form starts from). */
  reset(settings: StatisticsSettings): void;
  isIntervalValid: boolean;
  /** What the form would save, statistics in their documented order. */
  settings(): StatisticsSettings;
}

/**
 * The interval and the statistics of a settings form, kept as the user types.
 *
 * @example
 * const fields = useStatisticsFields({ intervalSec: 60, enabled: ['uptime'] });
 */
export function useStatisticsFields(initial: StatisticsSettings): StatisticsFieldsState {
  const [intervalSec, setIntervalSec] = useState(String(initial.intervalSec));
  const [enabled, setEnabled] = useState<ReadonlySet<StatisticKind>>(new Set(initial.enabled));
  const interval = Number(intervalSec);
  return {
    intervalSec,
    enabled,
    setIntervalSec,
    toggle: (kind) =>
      setEnabled((previous) => {
        const next = new Set(previous);
        if (next.has(kind)) next.delete(kind);
        else next.add(kind);
        return next;
      }),
    reset: (settings) => {
      setIntervalSec(String(settings.intervalSec));
      setEnabled(new Set(settings.enabled));
    },
    isIntervalValid: Number.isInteger(interval) && interval >= 5 && interval <= 3600,
    settings: () => ({
      intervalSec: interval,
      enabled: StatisticKind.options.filter((kind) => enabled.has(kind)),
    }),
  };
}

/**
 * The interval input and one checkbox per statistic. `testIdPrefix` keeps the fleet's and a
 * group's forms apart on one page; `onEdit` hears every change (a form clears its "Saved").
 */
export function StatisticsFields({
  fields,
  legend,
  testIdPrefix,
  onEdit,
}: {
  fields: StatisticsFieldsState;
  legend: string;
  testIdPrefix: string;
  onEdit?: () => void;
}) {
  return (
    <>
      <label className="field field-narrow">
        <span>Interval (seconds)</span>
        <input
          type="number"
          min={5}
          max={3600}
          step={1}
          value={fields.intervalSec}
          onChange={(event) => {
            onEdit?.();
            fields.setIntervalSec(event.target.value);
          }}
          aria-invalid={!fields.isIntervalValid}
          data-testid={`${testIdPrefix}statistics-interval`}
        />
        {!fields.isIntervalValid && (
          <small className="field-error">Choose 5 to 3600 seconds.</small>
        )}
      </label>
      <fieldset className="checkboxes">
        <legend>{legend}</legend>
        {StatisticKind.options.map((kind) => (
          <Checkbox
            key={kind}
            checked={fields.enabled.has(kind)}
            onChange={() => {
              onEdit?.();
              fields.toggle(kind);
            }}
            testId={`${testIdPrefix}statistic-${kind}`}
          >
            {statisticLabels[kind]}
          </Checkbox>
        ))}
      </fieldset>
    </>
  );
}
