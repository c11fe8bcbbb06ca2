import type { BackgroundTasks } from '../jobs/background-tasks.js';
import { startLocalRetention, type LocalRetentionDeps } from './local-retention.js';
import { createUploadQueue, type UploadQueue, type UploadQueueDeps } from './upload-queue.js';

/** Where finished recordings go: the upload queue, then the retention of local copies. */
export interface RecordingPipeline {
  uploads: UploadQueue;
  retention: ReturnType<typeof startLocalRetention>;
  /** A recording is complete on local disk: queued for upload (a failure is logged). */
  onRecordingFinished: (recordingId: string) => void;
}

/**
 * The upload queue and the local retention, wired so that a confirmed upload lets the
 * retention remove the local copy when its days are up.
 *
 * @example
 * const recordings = createRecordingPipeline({ ...deps, keepLocalDays: 30, tasks });
 * sessions.onRecordingFinished = recordings.onRecordingFinished;
 */
export function createRecordingPipeline(
  deps: Omit<UploadQueueDeps, 'onUploaded'> &
    Pick<LocalRetentionDeps, 'keepLocalDays'> & { tasks: BackgroundTasks },
): RecordingPipeline {
  const retention = startLocalRetention(deps);
  const uploads = createUploadQueue({
    ...deps,
    onUploaded: () => deps.tasks.run('remove uploaded local recordings', () => retention.sweep()),
  });
  return {
    uploads,
    retention,
    onRecordingFinished: (recordingId) => {
      uploads.onRecordingFinished(recordingId).catch((error: unknown) => {
        deps.log.error({ err: error, recordingId }, 'cannot queue the recording for upload');
      });
    },
  };
}
