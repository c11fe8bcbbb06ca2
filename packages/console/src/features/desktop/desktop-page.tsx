import { useEffect, useRef, useState } from 'react';
import { SessionBar } from '../sessions/session-bar.js';
import { FullScreenButton } from './full-screen-button.js';
import { useRemoteSession } from '../sessions/use-remote-session.js';
import { InviteControl, type GuestJoin } from '../sessions/invite-control.js';
import { applySettings, desktopAttachment, type DesktopSettings } from './desktop-attachment.js';

const LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * A device's screen (noVNC), with scaling, full screen, Ctrl+Alt+Del, clipboard both ways,
 * view-only (a new, view-only session), quality and compression, status and "End session".
 *
 * @example
 * <DesktopPage deviceId={id} />
 */
export function DesktopPage({ deviceId, guest }: { deviceId: string; guest?: GuestJoin }) {
  const screenRef = useRef<HTMLDivElement | null>(null);
  const pageRef = useRef<HTMLDivElement | null>(null);
  // `?viewOnly=1`: the device page opens it so for who may only watch the desktop.
  const [viewOnly, setViewOnly] = useState(
    () => guest?.viewOnly ?? new URLSearchParams(window.location.search).get('viewOnly') === '1',
  );
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
    ...(guest ? { join: guest.join } : {}),
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
  const { status } = session;
  const change = (patch: Partial<DesktopSettings>) => setSettings({ ...settings, ...patch });

  return (
    <div className="terminal-page desktop-page" ref={pageRef}>
      <SessionBar
        deviceId={deviceId}
        session={session}
        subject="the desktop"
        statusTestId="desktop-status"
        className="terminal-bar desktop-bar"
      >
        {!guest && (
          <label className="small">
            <input
              type="checkbox"
              checked={viewOnly}
              onChange={(event) => setViewOnly(event.target.checked)}
              data-testid="desktop-view-only"
            />{' '}
            View only
          </label>
        )}
        {!guest && session.status.state === 'connected' && session.sessionId !== null && (
          <InviteControl sessionId={session.sessionId} />
        )}
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
      </SessionBar>
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
