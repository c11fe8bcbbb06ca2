import {
  MAX_CONCURRENT_UPGRADES,
  MAX_UPGRADE_BANDWIDTH,
  UpgradeMode,
  upgradeEndpoints,
  type UpgradeOverview,
  type UpgradeState,
} from '@tether/protocol';
import { useEffect, useState, type SyntheticEvent } from 'react';
import { useConsole } from '../../api/console-context.js';
import { Loaded } from '../../components/loaded.js';
import { SaveFooter } from '../../components/save-footer.js';
import { Notice } from '../../components/notice.js';
import { useAction } from '../../hooks/use-action.js';
import { useLoad } from '../../hooks/use-load.js';
import { UpgradeBuilds } from './upgrade-builds.js';

const MIB = 1024 * 1024;
/** Progress is read again this often while the page is open. */
const REFRESH_MS = 3000;

const modeLabels: Record<UpgradeMode, string> = {
  disabled: 'Disabled: only upgrades started by hand',
  once: 'This cycle only: the devices enrolled now, then disabled again',
  always: 'Always: every device not on the target version, whenever it is online',
};

const stateLabels: Record<UpgradeState, string> = {
  queued: 'Queued',
  offered: 'Offered',
  downloading: 'Downloading',
  installing: 'Installing',
  restarting: 'Restarting',
  installed: 'Installed',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
};

function SettingsForm({ overview, onSaved }: { overview: UpgradeOverview; onSaved: () => void }) {
  const { can } = useConsole();
  const { settings } = overview;
  const [mode, setMode] = useState<UpgradeMode>(settings.mode);
  const [target, setTarget] = useState(settings.targetVersion ?? '');
  const [mibPerSec, setMibPerSec] = useState(String(settings.bandwidthBytesPerSec / MIB));
  const [concurrent, setConcurrent] = useState(String(settings.maxConcurrent));
  const [confirmation, setConfirmation] = useState<string | null>(null);
  const versions = [...new Set(overview.builds.map((build) => build.version))];
  const save = useAction(
    (api) =>
      api.call(upgradeEndpoints.setSettings, {
        body: {
          mode,
          ...(target && { targetVersion: target }),
          bandwidthBytesPerSec: Math.round(Number(mibPerSec) * MIB),
          maxConcurrent: Number(concurrent),
        },
      }),
    {
      onDone: () => {
        setConfirmation('Saved and applied.');
        onSaved();
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setConfirmation(null);
    save.run();
  };
  return (
    <form className="card" onSubmit={onSubmit} data-testid="upgrades-form">
      <p className="muted">
        Agents installed from a package upgrade themselves from a build this server holds, after
        checking the server’s signature. An agent that fails to start after an upgrade goes back to
        its previous version and says so here.
      </p>
      <label className="field field-wide">
        <span>Automatic upgrades</span>
        <select
          value={mode}
          onChange={(event) => setMode(UpgradeMode.parse(event.target.value))}
          data-testid="upgrades-mode"
        >
          {UpgradeMode.options.map((option) => (
            <option key={option} value={option}>
              {modeLabels[option]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Target version</span>
        <select
          value={target}
          onChange={(event) => setTarget(event.target.value)}
          data-testid="upgrades-target"
        >
          <option value="">This server’s own version</option>
          {versions.map((version) => (
            <option key={version} value={version}>
              {version}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Total bandwidth (MiB/s, at most {MAX_UPGRADE_BANDWIDTH / MIB})</span>
        <input
          type="number"
          min={0.0625}
          max={MAX_UPGRADE_BANDWIDTH / MIB}
          step="any"
          value={mibPerSec}
          onChange={(event) => setMibPerSec(event.target.value)}
          data-testid="upgrades-bandwidth"
        />
      </label>
      <label className="field">
        <span>Upgrades at once (at most {MAX_CONCURRENT_UPGRADES})</span>
        <input
          type="number"
          min={1}
          max={MAX_CONCURRENT_UPGRADES}
          value={concurrent}
          onChange={(event) => setConcurrent(event.target.value)}
          data-testid="upgrades-concurrent"
        />
      </label>
      <SaveFooter
        save={save}
        confirmation={confirmation}
        mayChange={can('settings.manage')}
        testId="upgrades-save"
      />
    </form>
  );
}

function UpgradeNow({ onStarted }: { onStarted: () => void }) {
  const [group, setGroup] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const start = useAction(
    (api) => api.call(upgradeEndpoints.start, { body: { group: group.trim() } }),
    {
      onDone: (response) => {
        const skipped = response.skipped.map((entry) => entry.reason);
        setResult(
          `${response.queued} queued.${skipped.length ? ` ${skipped.length} skipped: ${[...new Set(skipped)].join(' ')}` : ''}`,
        );
        onStarted();
      },
    },
  );
  const onSubmit = (event: SyntheticEvent) => {
    event.preventDefault();
    setResult(null);
    start.run();
  };
  return (
    <form className="card" onSubmit={onSubmit} data-testid="upgrades-now">
      <label className="field">
        <span>Upgrade a device group now (whatever the mode; the limits still apply)</span>
        <input
          value={group}
          onChange={(event) => setGroup(event.target.value)}
          placeholder="Group name"
          data-testid="upgrades-group"
        />
      </label>
      {start.error && (
        <Notice kind="error" onDismiss={start.clearError}>
          {start.error}
        </Notice>
      )}
      {result !== null && <Notice kind="success">{result}</Notice>}
      <button
        type="submit"
        className="button"
        disabled={start.isRunning || !group.trim()}
        data-testid="upgrades-group-start"
      >
        Upgrade group
      </button>
    </form>
  );
}

function Progress({ overview }: { overview: UpgradeOverview }) {
  // In a cluster each node upgrades its own agents: say which.
  const isClustered = overview.upgrades.some((upgrade) => upgrade.node !== undefined);
  return (
    <div className="card" data-testid="upgrades-progress">
      <p>
        Target <strong>{overview.targetVersion}</strong>: {overview.running} running,{' '}
        {overview.pending} waiting, {(overview.bytesPerSec / MIB).toFixed(1)} MiB/s.
      </p>
      {overview.upgrades.length === 0 ? (
        <p className="muted">No upgrade yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Device</th>
                <th>From</th>
                <th>To</th>
                <th>State</th>
                {isClustered && <th>Node</th>}
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {overview.upgrades.map((upgrade) => (
                <tr key={upgrade.deviceId} data-testid={`upgrade-${upgrade.deviceId}`}>
                  <td>{upgrade.deviceName}</td>
                  <td>{upgrade.fromVersion}</td>
                  <td>{upgrade.toVersion}</td>
                  <td title={upgrade.reason}>
                    {stateLabels[upgrade.state]}
                    {upgrade.isManual ? ' (by hand)' : ''}
                    {upgrade.reason && <small className="muted"> {upgrade.reason}</small>}
                  </td>
                  {isClustered && <td>{upgrade.node}</td>}
                  <td>{new Date(upgrade.updatedAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/**
 * The admin console's agent upgrades page (A-6, S-12): mode, target, limits, builds, manual
 * upgrades and each device's progress, refreshed while open.
 *
 * @example
 * ADMIN_SECTIONS: { name: 'upgrades', label: 'Agent upgrades', render: () => <UpgradesSection /> }
 */
export function UpgradesSection() {
  const [overview, reload] = useLoad((api) => api.call(upgradeEndpoints.overview, {}), []);
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  return (
    <Loaded load={overview} onRetry={reload}>
      {(value) => (
        <>
          <SettingsForm overview={value} onSaved={reload} />
          <UpgradeBuilds overview={value} onChanged={reload} />
          <UpgradeNow onStarted={reload} />
          <Progress overview={value} />
        </>
      )}
    </Loaded>
  );
}
