import { useEffect } from 'react';
import { useRemoteSession, type RemoteSessionStatus } from '../sessions/use-remote-session.js';
import { filesAttachment } from './files-attachment.js';
import { ConsentWait, useConsentWait } from '../sessions/consent-wait.js';
import { DeviceBackLink, SessionStatus } from '../sessions/session-bar.js';
import { prepareDownloads } from './download-sink.js';
import { useFolder } from './use-folder.js';
import { useTransfers } from './use-transfers.js';
import { useLoad } from '../../hooks/use-load.js';
import { FilesTable } from './files-table.js';
import { FilesToolbar } from './files-toolbar.js';
import { TransferList } from './transfer-list.js';
import { visibleText } from '../../format/visible-text.js';

function statusText(status: RemoteSessionStatus, deviceName: string): string {
  switch (status.state) {
    case 'connecting':
      return `Connecting to ${deviceName}…`;
    case 'connected':
      return `Connected to ${deviceName}`;
    case 'ended':
      return `Disconnected: ${status.reason}`;
    case 'failed':
      return `Could not open the files session: ${status.reason}`;
  }
}

/**
 * The device's files: browse the shared folders, make folders, rename, delete, upload and
 * download with progress, cancel and resume after a cut.
 *
 * @example
 * <FilesPage deviceId={id} />
 */
export function FilesPage({ deviceId }: { deviceId: string }) {
  const session = useRemoteSession({
    deviceId,
    kind: 'files',
    attach: filesAttachment,
    closesAtOnce: true,
  });
  const relay = session.link;
  const [device] = useLoad((api) => api.getDevice(deviceId), [deviceId]);
  const deviceName = device.state === 'ready' ? visibleText(device.value.name) : 'the device';
  const folder = useFolder(relay);
  const transfers = useTransfers(relay, () => void folder.refresh());
  const { status } = session;
  const consentUntil = useConsentWait(session.sessionId);
  // Registered before the first click, so that download already streams to disk.
  useEffect(() => void prepareDownloads(), []);

  return (
    <div className="files-page">
      <div className="terminal-bar">
        <DeviceBackLink deviceId={deviceId} deviceName={deviceName} />
        <SessionStatus
          state={status.state}
          testId="files-status"
          isAwaitingConsent={consentUntil !== null}
        >
          {statusText(status, deviceName)}
        </SessionStatus>
        {status.state === 'ended' || status.state === 'failed' ? (
          <button
            type="button"
            className="button button-small"
            onClick={session.reconnect}
            data-testid="files-reconnect"
          >
            Reconnect
          </button>
        ) : (
          <button
            type="button"
            className="button button-small button-danger"
            onClick={session.end}
            data-testid="files-end-session"
          >
            End session
          </button>
        )}
      </div>
      <ConsentWait until={consentUntil} deviceName={deviceName} />
      <FilesToolbar folder={folder} transfers={transfers} relay={relay} />
      {folder.message && (
        <p className="notice notice-error" role="alert" data-testid="files-error">
          {folder.message}
        </p>
      )}
      <TransferList transfers={transfers} canResume={relay !== null} />
      <FilesTable folder={folder} transfers={transfers} />
    </div>
  );
}
