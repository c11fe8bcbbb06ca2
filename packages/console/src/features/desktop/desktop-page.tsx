import { useEffect, useRef, useState } from 'react';
import { ConsentWait, useConsentWait } from '../sessions/consent-wait.js';
import { DeviceBackLink, SessionStatus } from '../sessions/session-bar.js';
import { FullScreenButton } from './full-screen-button.js';
import { useLoad } from '../../hooks/use-load.js';
import { useRemoteSession, type RemoteSessionStatus } from '../sessions/use-remote-session.js';
import { applySettings, desktopAttachment, type DesktopSettings } from './desktop-attachment.js';
import { visibleText } from '../../format/visible-text.js';

function statusText(status: RemoteSessionStatus, deviceName: string): string {
  switch (status.state) {
    case 'connecting':
      return `Connecting to ${deviceName}…`;
    case 'connected':
      return `Connected to ${visibleText(status.name ?? deviceName)}`;
    case 'ended':
      return `Session ended: ${status.reason}`;
    case 'failed':
      return `Could not open the desktop: ${status.reason}`;
  }
}

const LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * A device's screen (noVNC), with scaling, full screen, Ctrl+Alt+Del, clipboard both ways,
 * view-only (a new, view-only session), quality and compression, status and "End session".
 *
 * @example
 * <DesktopPage deviceId={id} />
 */
export function DesktopPage({ deviceId }: { deviceId: string }) {
  const screenRef = useRef<HTMLDivElement | null>(null);
  const pageRef = useRef<HTMLDivElement | null>(null);
  const [viewOnly, setViewOnly] = useState(false);
  const [settings, setSettings] = useState<DesktopSettings>({
    scaleToWindow: true,
    quality: 6,
    compression: 2,
  });
  const [clipboard, setClipboard] = useState('');
  const [remoteClipboard, setRemoteClipboard] = useState('');
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  // A new, view-only or not, session opens when the switch changes.
  const session = useRemoteSession({
    deviceId,
    kind: 'desktop',
    reopenOn: [viewOnly],
    attach: () =>
      screenRef.current
        ? desktopAttachment(screenRef.current, {
            viewOnly,
            settings: () => settingsRef.current,
            onClipboard: setRemoteClipboard,
          })
        : null,
  });
  const rfb = session.link;
  useEffect(() => {
    if (rfb) applySettings(rfb, settings);
  }, [rfb, settings]);
  const [device] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const deviceName = device.state === 'ready' ? visibleText(device.value.name) : 'the device';
  const { status } = session;
  const consentUntil = useConsentWait(session.sessionId);
  const isOver = status.state === 'ended' || status.state === 'failed';
  const change = (patch: Partial<DesktopSettings>) => setSettings({ ...settings, ...patch });

  return (
    <div className="terminal-page desktop-page" ref={pageRef}>
      <div className="terminal-bar desktop-bar">
        <DeviceBackLink deviceId={deviceId} deviceName={deviceName} />
        <SessionStatus
          state={status.state}
          testId="desktop-status"
          isAwaitingConsent={consentUntil !== null}
        >
          {statusText(status, deviceName)}
        </SessionStatus>
        <label className="small">
          <input
            type="checkbox"
            checked={viewOnly}
            onChange={(event) => setViewOnly(event.target.checked)}
            data-testid="desktop-view-only"
          />{' '}
          View only
        </label>
        <label className="small">
          <input
            type="checkbox"
            checked={settings.scaleToWindow}
            onChange={(event) => change({ scaleToWindow: event.target.checked })}
          />{' '}
          Scale to window
        </label>
        <LevelSelect
          label="Quality"
          testId="desktop-quality"
          value={settings.quality}
          onChange={(quality) => change({ quality })}
        />
        <LevelSelect
          label="Compression"
          testId="desktop-compression"
          value={settings.compression}
          onChange={(compression) => change({ compression })}
        />
        <button
          type="button"
          className="button button-small"
          onClick={() => rfb?.sendCtrlAltDel()}
          disabled={viewOnly || status.state !== 'connected'}
          data-testid="desktop-ctrl-alt-del"
        >
          Ctrl+Alt+Del
        </button>
        <FullScreenButton targetRef={pageRef} />
        <button
          type="button"
          className="button button-small button-danger"
          onClick={session.end}
          disabled={isOver || session.isEnding}
          data-testid="end-session"
        >
          {session.isEnding ? 'Ending…' : 'End session'}
        </button>
      </div>
      <ConsentWait until={consentUntil} deviceName={deviceName} />
      <div className="desktop-clipboard small">
        <label>
          Clipboard{' '}
          <input
            type="text"
            value={clipboard}
            onChange={(event) => setClipboard(event.target.value)}
            placeholder="Text to paste on the device"
            data-testid="desktop-clipboard"
          />
        </label>
        <button
          type="button"
          className="button button-small"
          onClick={() => rfb?.clipboardPasteFrom(clipboard)}
          disabled={viewOnly || status.state !== 'connected'}
          data-testid="desktop-clipboard-send"
        >
          Send to device
        </button>
        <span className="muted" data-testid="desktop-remote-clipboard">
          {remoteClipboard === ''
            ? 'Nothing copied on the device yet.'
            : `Device clipboard: ${remoteClipboard}`}
        </span>
      </div>
      <div className="desktop-screen" ref={screenRef} data-testid="desktop-screen" />
    </div>
  );
}

/** A 0–9 level of the VNC encoding (quality or compression). */
function LevelSelect({
  label,
  testId,
  value,
  onChange,
}: {
  label: string;
  testId: string;
  value: number;
  onChange: (level: number) => void;
}) {
  return (
    <label className="small">
      {label}{' '}
      <select
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        data-testid={testId}
      >
        {LEVELS.map((level) => (
          <option key={level} value={level}>
            {level}
          </option>
        ))}
      </select>
    </label>
  );
}
