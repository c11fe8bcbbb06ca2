import { groupStatisticsEndpoints, type DeviceGroup, type GroupStatistics } from '@tether/protocol';
import { useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { Notice } from '../../components/notice.js';
import { visibleText } from '../../format/visible-text.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { statisticLabels, StatisticsFields, useStatisticsFields } from './statistics-fields.js';

function describe(settings: GroupStatistics['settings']): string {
  const what = settings.enabled.map((kind) => statisticLabels[kind].split(' (')[0]).join(', ');
  return `every ${settings.intervalSec} s: ${what || 'nothing'}`;
}

/** Gives one group settings of its own: starts from the group's current ones, if any. */
function GroupForm({
  groups,
  overrides,
  onSaved,
}: {
  groups: DeviceGroup[];
  overrides: GroupStatistics[];
  onSaved: () => void;
}) {
  const [groupId, setGroupId] = useState('');
  const fields = useStatisticsFields({ intervalSec: 60, enabled: ['uptime'] });
  const [savedFor, setSavedFor] = useState<string | null>(null);
  const save = useAction(
    (api) =>
      api.call(groupStatisticsEndpoints.set, {
        params: { id: groupId },
        body: fields.settings(),
      }),
    {
      onDone: (saved) => {
        setSavedFor(saved.groupName);
        onSaved();
      },
    },
  );
  const choose = (id: string) => {
    setGroupId(id);
    setSavedFor(null);
    const own = overrides.find((override) => override.groupId === id);
    if (own) fields.reset(own.settings);
  };
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    save.run();
  };
  return (
    <form onSubmit={onSubmit} data-testid="group-statistics-form">
      <label className="field">
        <span>Device group</span>
        <select
          value={groupId}
          onChange={(event) => choose(event.target.value)}
          data-testid="group-statistics-group"
        >
          <option value="">Choose a group…</option>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {visibleText(group.name)}
            </option>
          ))}
        </select>
      </label>
      {/* The fields appear once a group is chosen: one set of statistics boxes at a time. */}
      {groupId && (
        <>
          <StatisticsFields
            fields={fields}
            legend="Statistics to collect in this group"
            testIdPrefix="group-"
          />
        </>
      )}
      {save.error && (
        <Notice kind="error" onDismiss={save.clearError}>
          {save.error}
        </Notice>
      )}
      {savedFor !== null && (
        <Notice kind="success">
          Saved for {visibleText(savedFor)}; its online agents have the new settings now.
        </Notice>
      )}
      <button
        type="submit"
        className="button button-primary"
        disabled={!groupId || !fields.isIntervalValid || save.isRunning}
        data-testid="group-statistics-save"
      >
        Save for this group
      </button>
    </form>
  );
}

/**
 * Statistics settings per device group: the groups with their own (which override the
 * fleet-wide form above for their devices), a Remove per group, and a form to set a group's.
 *
 * @example
 * <GroupStatisticsPanel />
 */
export function GroupStatisticsPanel() {
  const { can } = useConsole();
  const [data, reload] = useLoad(async (api) => {
    const [list, groups] = await Promise.all([
      api.call(groupStatisticsEndpoints.list, {}),
      api.listDeviceGroups(),
    ]);
    return { overrides: list.groups, groups };
  }, []);
  const remove = useAction(
    (api, id: string) => api.call(groupStatisticsEndpoints.remove, { params: { id } }),
    { onDone: reload },
  );
  return (
    <section className="card" data-testid="group-statistics">
      <h2>Statistics per device group</h2>
      <p className="muted">
        A group’s own settings override the fleet-wide ones for its devices: a slower interval for
        kiosks, more for servers.
      </p>
      <Loaded load={data} onRetry={reload}>
        {({ overrides, groups }) => (
          <>
            {overrides.length === 0 ? (
              <p className="muted">Every group follows the fleet-wide settings.</p>
            ) : (
              <ul className="plain-list">
                {overrides.map((override) => (
                  <li key={override.groupId} data-testid={`group-statistics-${override.groupName}`}>
                    <strong>{visibleText(override.groupName)}</strong>:{' '}
                    {describe(override.settings)}{' '}
                    {can('settings.manage') && (
                      <button
                        type="button"
                        className="button button-small"
                        disabled={remove.isRunning}
                        onClick={() => remove.run(override.groupId)}
                        data-testid={`group-statistics-remove-${override.groupName}`}
                      >
                        Use the fleet’s
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {remove.error && (
              <Notice kind="error" onDismiss={remove.clearError}>
                {remove.error}
              </Notice>
            )}
            {can('settings.manage') && (
              <GroupForm groups={groups} overrides={overrides} onSaved={reload} />
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
