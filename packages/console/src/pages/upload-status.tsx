import type { RecordingUpload } from '@tether/protocol';
import { formatDateTime } from '../format/format.js';

const labels: Record<RecordingUpload['state'], string> = {
  pending: 'Pending',
  uploading: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
};

const badges: Record<RecordingUpload['state'], string> = {
  pending: 'badge-pending',
  uploading: 'badge-recording',
  done: 'badge-complete',
  failed: 'badge-revoked',
};

/**
 * Where a recording is in the upload to custom storage: pending, uploading, uploaded
 * (with where) or failed (with the reason and the next attempt). Local only without a policy.
 *
 * @example
 * <UploadStatus upload={recording.upload ?? null} />
 */
export function UploadStatus({ upload }: { upload: RecordingUpload | null }) {
  if (!upload) return <span className="muted small">Local only</span>;
  const title = upload.state === 'done' ? (upload.remotePath ?? upload.target) : upload.target;
  return (
    <div data-testid="upload-status" data-upload-state={upload.state}>
      <span className={`badge ${badges[upload.state]}`} title={title}>
        {labels[upload.state]}
      </span>
      {upload.state === 'failed' && (
        <div className="small muted" data-testid="upload-error">
          {upload.lastError}
          {upload.nextAttemptAt && (
            <>
              {' '}
              Attempt {upload.attempts} failed; next try {formatDateTime(upload.nextAttemptAt)}.
            </>
          )}
        </div>
      )}
    </div>
  );
}
