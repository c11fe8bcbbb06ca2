import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging.js';
import { readAsciicast } from '../recordings/index.js';
import { readFilesTimeline } from '../recordings/files/index.js';
import { readRfbRecording } from '../recordings/desktop/index.js';
import type { Store } from '../store/store.js';

/**
 * After a crash: sessions the previous process left open are ended, and their recordings are
 * closed as `interrupted` with what the disk holds (everything up to the last fsync'd chunk).
 * A cluster node recovers only its own sessions and recordings (see `clusterNodeId`).
 * Returns the ids of those recordings, so they can be shipped like any other.
 */
export async function recoverAfterRestart(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  recordingsDir: string;
  /**
   * A cluster node: only the sessions it relayed and their recordings (on its disk) are its
   * own; the other nodes' are live, or ended by the dead-node sweep.
   */
  clusterNodeId?: string;
}): Promise<string[]> {
  const recovered: string[] = [];
  const now = deps.clock.now();
  const node = deps.clusterNodeId;
  const ended = await deps.store.sessions.endAllOpen(
    now,
    'The server stopped during the session.',
    node,
  );
  for (const recording of await deps.store.recordings.listUnfinished()) {
    if (node !== undefined && (await deps.store.sessions.relayNodeOf(recording.sessionId)) !== node)
      continue;
    const file = join(deps.recordingsDir, recording.path);
    let durationMs = 0;
    let sizeBytes = 0;
    try {
      const content =
        recording.format === 'tether-files-v1'
          ? await readFilesTimeline(file)
          : recording.format === 'tether-rfb-v1'
            ? await readRfbRecording(file)
            : await readAsciicast(file);
      durationMs = content.durationMs;
      sizeBytes = (await stat(file)).size;
    } catch (error) {
      deps.log.warn(
        { err: error, recordingId: recording.id },
        'recording unreadable after restart',
      );
    }
    await deps.store.recordings.finish(recording.id, {
      state: 'interrupted',
      endedAt: now,
      durationMs,
      sizeBytes,
    });
    recovered.push(recording.id);
  }
  if (ended > 0) deps.log.warn({ sessions: ended }, 'ended sessions left open by the previous run');
  return recovered;
}
