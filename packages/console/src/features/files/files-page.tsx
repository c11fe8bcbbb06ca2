import { useEffect } from 'react';
import { useRemoteSession } from '../sessions/use-remote-session.js';
import { SessionBar } from '../sessions/session-bar.js';
import { InviteControl, type GuestJoin } from '../sessions/invite-control.js';
import { filesAttachment } from './files-attachment.js';
import { prepareDownloads } from './download-sink.js';
import { useFolder } from './use-folder.js';
import { useTransfers } from './use-transfers.js';
import { FilesTable } from './files-table.js';
import { FilesToolbar } from './files-toolbar.js';
import { TransferList } from './transfer-list.js';

/**
 * The device's files: browse the shared folders, make folders, rename, delete, upload and
 * download with progress, cancel and resume after a cut.
 *
 * @example
 * <FilesPage deviceId={id} />
 */
export function FilesPage({ deviceId, guest }: { deviceId: string; guest?: GuestJoin }) {
  const session = useRemoteSession({
    deviceId,
    kind: 'files',
    attach: filesAttachment,
    closesAtOnce: true,
    ...(guest ? { join: guest.join } : {}),
  });
  const relay = session.link;
  const folder = useFolder(relay);
  const transfers = useTransfers(relay, () => void folder.refresh());
  // Registered before the first click, so that download already streams to disk.
  useEffect(() => void prepareDownloads(), []);

  return (
    <div className="files-page">
      <SessionBar
        deviceId={deviceId}
        session={session}
        subject="the files session"
        endedLabel="Disconnected"
        statusTestId="files-status"
        endTestId="files-end-session"
        {...(guest ? {} : { reconnectTestId: 'files-reconnect' })}
      >
        {!guest && session.status.state === 'connected' && session.sessionId !== null && (
          <InviteControl sessionId={session.sessionId} />
        )}
      </SessionBar>
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
