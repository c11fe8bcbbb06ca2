import type { RecordingUpload } from '@tether/protocol';
import { useConsole } from '../../api/console-context.js';
import { formatDateTime } from '../../format/format.js';
import { useAction } from '../../hooks/use-action.js';

const labels: Record<RecordingUpload['state'], string> = {
  pending: 'Pending',
  uploading: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
};

const verifications: Record<NonNullable<RecordingUpload['verification']>, string> = {
  sha256: 'Verified by SHA-256 read-back.',
  size: 'Verified by size only: the storage account may not read files back.',
};

const badges: Record<RecordingUpload['state'], string> = {
  pending: 'badge-pending',
  uploading: 'badge-recording',
  done: 'badge-complete',
  failed: 'badge-revoked',
};

/**
 * Where a recording is in the upload to custom storage: pending, uploading, uploaded
 * (with where, how it was verified and anything done differently, e.g. no month folder) or failed (with the reason, the next attempt and, for administrators, "Retry
 * now"). Local only without a policy.
 *
 * @example
 * <UploadStatus recordingId={recording.id} upload={recording.upload ?? null} onRetried={reload} />
 */
export function UploadStatus({
  recordingId,
  upload,
  onRetried,
}: {
  recordingId: string;
  upload: RecordingUpload | null;
  onRetried: () => void;
}) {
  const { can } = useConsole();
  const retry = useAction((api, id: string) => api.retryUpload(id), { onDone: onRetried });
  if (!upload) return <span className="muted small">Local only</span>;
  const title = upload.state === 'done' ? (upload.remotePath ?? upload.target) : upload.target;
  return (
    <div data-testid="upload-status" data-upload-state={upload.state}>
      <span className={`badge ${badges[upload.state]}`} title={title}>
        {labels[upload.state]}
      </span>
      {upload.state === 'done' && (upload.verification || upload.notice) && (
        <div className="small muted" data-testid="upload-verification">
          {upload.verification && verifications[upload.verification]}
          {upload.notice && <> {upload.notice}</>}
        </div>
      )}
      {upload.state === 'failed' && (
        <div className="small muted" data-testid="upload-error">
          {upload.lastError}
          {upload.nextAttemptAt && (
            <>
              {' '}
              Attempt {upload.attempts} failed; next try {formatDateTime(upload.nextAttemptAt)}.
            </>
          )}
          {can('storage.manage') && (
            <>
              {' '}
              <button
                type="button"
                className="button-link"
                disabled={retry.isRunning}
                onClick={() => retry.run(recordingId)}
                data-testid="upload-retry"
              >
                {retry.isRunning ? 'Retrying…' : 'Retry now'}
              </button>
            </>
          )}
          {retry.error && <div className="notice-error small">{retry.error}</div>}
        </div>
      )}
    </div>
  );
}
