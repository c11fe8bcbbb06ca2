import { parseAsciicast, type Asciicast, type TetherClient } from '@tether/sdk';
import type { Recording } from '@tether/protocol';
import { Loaded } from '../components/loaded.js';
import { PageHeader } from '../components/page-header.js';
import { formatBytes, formatDateTime } from '../format/format.js';
import { useLoad } from '../hooks/use-load.js';
import { RecordingPlayer } from '../player/recording-player.js';
import { Link } from '../routing/link.js';

async function loadRecording(
  api: TetherClient,
  recordingId: string,
): Promise<{ recording: Recording; cast: Asciicast }> {
  const [recording, text] = await Promise.all([
    api.getRecording(recordingId),
    api.getRecordingContent(recordingId),
  ]);
  return { recording, cast: parseAsciicast(text) };
}

/**
 * Replays one recording.
 *
 * @example
 * <PlayerPage recordingId={id} />
 */
export function PlayerPage({ recordingId }: { recordingId: string }) {
  const [loaded, reload] = useLoad((api) => loadRecording(api, recordingId), [recordingId]);
  return (
    <>
      <p className="breadcrumb">
        <Link href="/recordings">← Recordings</Link>
      </p>
      <Loaded load={loaded} onRetry={reload}>
        {({ recording, cast }) => (
          <>
            <PageHeader
              title={`${recording.deviceName} — ${recording.kind} session`}
              subtitle={`${recording.username}, ${formatDateTime(recording.startedAt)} · ${formatBytes(recording.sizeBytes)} · ${recording.state}`}
            />
            <RecordingPlayer cast={cast} />
          </>
        )}
      </Loaded>
    </>
  );
}
