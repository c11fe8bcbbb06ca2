import type { Transfers } from './use-transfers.js';
import { formatBytes } from '../../format/format.js';

const stateLabels = {
  running: 'in progress',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
} as const;

/**
 * Uploads and downloads of a files page with progress, cancel and resume.
 *
 * @example
 * <TransferList transfers={transfers} canResume={relay !== null} />
 */
export function TransferList({
  transfers,
  canResume,
}: {
  transfers: Transfers;
  canResume: boolean;
}) {
  if (transfers.list.length === 0) return null;
  return (
    <ul className="transfer-list" data-testid="transfers">
      {transfers.list.map((transfer) => {
        const percent =
          transfer.size > 0 ? Math.floor((transfer.transferred / transfer.size) * 100) : 0;
        return (
          <li
            key={transfer.key}
            data-testid="transfer"
            data-state={transfer.state}
            data-direction={transfer.direction}
            data-name={transfer.name}
            data-archive={transfer.isArchive ? 'tar' : undefined}
            data-storage={transfer.storage}
          >
            <span>
              {transfer.direction === 'upload' ? '↑' : '↓'} {transfer.name}
            </span>
            <progress max={100} value={transfer.state === 'done' ? 100 : percent} />
            <span className="small">
              {formatBytes(transfer.transferred)} of {formatBytes(transfer.size)} ·{' '}
              {stateLabels[transfer.state]}
            </span>
            {transfer.sha256 && (
              <span className="mono small" title="SHA-256" data-testid="transfer-sha256">
                {transfer.sha256}
              </span>
            )}
            {transfer.skipped !== undefined && transfer.skipped > 0 && (
              <span className="small" data-testid="transfer-skipped">
                {transfer.skipped} skipped (symlinks leading out, unreadable)
              </span>
            )}
            {transfer.message && <span className="small error-text">{transfer.message}</span>}
            {transfer.state === 'running' && (
              <button
                type="button"
                className="button button-small"
                onClick={() => transfers.cancel(transfer.key)}
              >
                Cancel
              </button>
            )}
            {(transfer.state === 'interrupted' || transfer.state === 'failed') && (
              <button
                type="button"
                className="button button-small"
                disabled={!canResume}
                onClick={() => transfers.resume(transfer.key)}
              >
                {transfer.isArchive ? 'Download again' : 'Resume'}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
