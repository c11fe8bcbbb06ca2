import type { AssistanceMode, Device, SessionKind, UnattendedAccessMode } from '@tether/protocol';
import { useState } from 'react';
import { AssistanceModePicker } from '../sessions/assistance-mode-picker.js';
import { withMode } from '../sessions/assistance-mode.js';
import { UnattendedIndicator } from '../unattended/unattended-indicator.js';
import { UnattendedPanel } from '../unattended/unattended-panel.js';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { StatusDot } from '../../components/status-dot.js';
import { lastSeenLabel, osLabel } from './device-figures.js';
import { formatDateTime } from '../../format/format.js';
import { useLiveDevices } from './use-live-devices.js';
import { useLoad } from '../../hooks/use-load.js';
import { useNow } from '../../hooks/use-now.js';
import { Link } from '../../routing/link.js';
import { navigate } from '../../routing/navigation.js';
import { DeviceStatsPanel } from './device-stats.js';
import { EffectivePolicyPanel } from '../policies/effective-policy-panel.js';
import { MoveDevice } from '../device-groups/move-device.js';
import { SessionList } from '../sessions/session-list.js';
import { visibleText } from '../../format/visible-text.js';
import { useConsole } from '../../api/console-context.js';
import { NotAllowed } from '../../components/not-allowed.js';
import { isViewOnlyDesktop, missingRight, missingSessionRight } from './device-rights.js';
import { DeviceInstallFacts } from './device-install-facts.js';
import { DeviceUpgradePanel } from './device-upgrade-panel.js';
import { DeviceMaintenanceFacts } from './device-maintenance-facts.js';
import { DeviceManage } from './device-manage.js';
import { DeviceWake } from './device-wake.js';

function DeviceDetails({
  device,
  now,
  onMoved,
}: {
  device: Device;
  now: number;
  onMoved: () => void;
}) {
  return (
    <dl className="facts" data-testid="device-details">
      <dt>Status</dt>
      <dd>
        <StatusDot isOnline={device.online} /> {lastSeenLabel(device, now)}
      </dd>
      <dt>Hostname</dt>
      <dd className="mono">{visibleText(device.hostname)}</dd>
      <dt>Operating system</dt>
      <dd>{osLabel(device)}</dd>
      <dt>User at the device</dt>
      <dd data-testid="device-user-presence">{presenceLabel(device)}</dd>
      <dt>Unattended access</dt>
      <dd>
        <UnattendedIndicator device={device} />
      </dd>
      <dt>Group</dt>
      <dd data-testid="device-group">
        {visibleText(device.group)} <MoveDevice device={device} onMoved={onMoved} />
      </dd>
      <DeviceInstallFacts device={device} />
      <DeviceMaintenanceFacts device={device} />
      <dt>Agent version</dt>
      <dd className="mono">{visibleText(device.agentVersion)}</dd>
      <dt>Enrolled</dt>
      <dd>{formatDateTime(device.enrolledAt)}</dd>
      <dt>Device ID</dt>
      <dd className="mono small">{device.id}</dd>
    </dl>
  );
}

/** "Ada is present", "Locked (ada)", "Nobody is logged in", as the agent last reported. */
function presenceLabel(device: Device): string {
  const presence = device.userPresence;
  if (!device.online) return 'Unknown while offline';
  if (!presence) return 'Not reported by this agent';
  if (!presence.loggedIn) return 'Nobody is logged in';
  const who = presence.user ? visibleText(presence.user) : 'a user';
  return presence.screenLocked ? `${who} is logged in, screen locked` : `${who} is present`;
}

const SESSION_BUTTONS = [
  { kind: 'terminal', label: 'Open terminal', isPrimary: true },
  { kind: 'files', label: 'Files', isPrimary: false },
  { kind: 'desktop', label: 'Open desktop', isPrimary: false },
] as const;

/** Says, once, which actions the user's rights on the device's group leave out. */
function MissingRights({ device }: { device: Device }) {
  const reasons = [
    ...SESSION_BUTTONS.map(({ kind }) => missingSessionRight(device, kind)),
    missingRight(device, 'unattended'),
    isViewOnlyDesktop(device) ? `You may only watch the desktop on group ${device.group}.` : null,
  ].filter((reason): reason is string => reason !== null);
  if (reasons.length === 0) return null;
  return (
    <span className="muted small" data-testid="missing-rights">
      {reasons.join(' ')}
    </span>
  );
}

/**
 * The session actions of a device: the assistance mode, a button per session kind, and
 * unattended access. Unattended sessions need a one-time password first, so with that mode
 * the buttons open the unattended panel.
 */
function SessionActions({
  device,
  onUnattended,
}: {
  device: Device;
  onUnattended: (mode: UnattendedAccessMode) => void;
}) {
  const [mode, setMode] = useState<AssistanceMode | undefined>(undefined);
  const open = (kind: SessionKind): void => {
    if (mode === 'unattended') return onUnattended('unattended');
    const path = withMode(`/devices/${encodeURIComponent(device.id)}/${kind}`, mode);
    // Who may only watch opens the desktop view-only (asking for control would be refused).
    const watch = kind === 'desktop' && isViewOnlyDesktop(device);
    navigate(watch ? `${path}${path.includes('?') ? '&' : '?'}viewOnly=1` : path);
  };
  const noUnattended = missingRight(device, 'unattended');
  return (
    <div className="open-terminal">
      <AssistanceModePicker value={mode} onChange={setMode} />
      {SESSION_BUTTONS.map(({ kind, label, isPrimary }) => {
        // No right on the device's group, or the agent said it has no desktop (no VNC server):
        // say why instead of failing later.
        const whyNot =
          missingSessionRight(device, kind) ??
          (kind === 'desktop' ? (device.desktopUnavailable ?? null) : null);
        return (
          <button
            key={kind}
            type="button"
            className={isPrimary ? 'button button-primary' : 'button'}
            disabled={!device.online || whyNot !== null}
            title={whyNot ?? undefined}
            onClick={() => open(kind)}
            data-testid={`open-${kind}`}
          >
            {label}
          </button>
        );
      })}
      <button
        type="button"
        className="button"
        disabled={!device.online || noUnattended !== null}
        title={noUnattended ?? undefined}
        onClick={() => onUnattended(mode === 'dynamic' ? 'dynamic' : 'unattended')}
        data-testid="open-unattended"
      >
        Unattended access…
      </button>
      {!device.online && (
        <span className="muted small">
          The device is offline; sessions open once it reconnects.
        </span>
      )}
      <MissingRights device={device} />
      {device.online && device.desktopUnavailable && (
        <span className="muted small" data-testid="desktop-unavailable">
          Open desktop is unavailable: {device.desktopUnavailable}
        </span>
      )}
    </div>
  );
}

/**
 * One device: details (with whether a user is at it), statistics, the session actions with
 * unattended access, and its recent sessions.
 *
 * @example
 * <DevicePage deviceId={id} />
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const [loaded, reload] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const { can } = useConsole();
  const maySeeSessions = can('sessions.view');
  const [sessions, reloadSessions] = useLoad(
    async (api) => (maySeeSessions ? api.listSessions({ deviceId }) : []),
    [deviceId, maySeeSessions],
  );
  const live = useLiveDevices();
  const now = useNow(30_000);
  const [unattended, setUnattended] = useState<{ mode: UnattendedAccessMode; key: number } | null>(
    null,
  );

  return (
    <>
      <p className="breadcrumb">
        <Link href="/devices">← Devices</Link>
      </p>
      <Loaded load={loaded} onRetry={reload}>
        {(initial) => {
          const device = live.updates.get(initial.id) ?? initial;
          return (
            <>
              <PageHeader
                title={visibleText(device.name)}
                subtitle={
                  device.hostname === device.name ? undefined : visibleText(device.hostname)
                }
                actions={
                  can('sessions.open') ? (
                    <SessionActions
                      device={device}
                      onUnattended={(mode) => setUnattended({ mode, key: Date.now() })}
                    />
                  ) : (
                    <NotAllowed permission="sessions.open" />
                  )
                }
              />
              {unattended && (
                <UnattendedPanel
                  key={unattended.key}
                  device={device}
                  mode={unattended.mode}
                  onClose={() => setUnattended(null)}
                />
              )}
              <DeviceWake device={device} />
              <div className="columns">
                <section className="card">
                  <h2>Details</h2>
                  <DeviceDetails device={device} now={now} onMoved={reload} />
                </section>
                <section className="card">
                  <h2>Statistics</h2>
                  <DeviceStatsPanel stats={device.stats} />
                  {device.statsAt && (
                    <p className="muted small">
                      Updated {formatDateTime(device.statsAt, { withSeconds: true })}
                    </p>
                  )}
                </section>
              </div>
              <DeviceUpgradePanel device={device} />
              <DeviceManage device={device} onChanged={reload} />
            </>
          );
        }}
      </Loaded>
      <EffectivePolicyPanel deviceId={deviceId} />
      <section className="card">
        <h2>Recent sessions</h2>
        {maySeeSessions ? (
          <Loaded load={sessions} onRetry={reloadSessions}>
            {(list) => <SessionList sessions={list} />}
          </Loaded>
        ) : (
          <NotAllowed permission="sessions.view" />
        )}
      </section>
    </>
  );
}
