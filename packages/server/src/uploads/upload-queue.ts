/** Ships finished recordings to the storage their policy names. */
export interface UploadQueue {
  /** Called once per recording when it is complete (or interrupted) on local disk. */
  onRecordingFinished(recordingId: string): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** Until custom storage exists, recordings stay local. */
export function createUploadQueue(): UploadQueue {
  return {
    onRecordingFinished: () => Promise.resolve(),
    start: () => undefined,
    stop: () => Promise.resolve(),
  };
}
