import { parseAsciicast, type Asciicast, type TetherClient } from '@tether/sdk';
import type { Recording } from '@tether/protocol';
import { Loaded } from '../../components/loaded.js';
import { PageHeader } from '../../components/page-header.js';
import { RecordingDownload } from './recording-download.js';
import { formatBytes, formatDateTime } from '../../format/format.js';
import { useLoad } from '../../hooks/use-load.js';
import { RecordingPlayer } from './player/recording-player.js';
import { FilesTimeline } from './player/files-timeline.js';
import { DesktopPlayer } from './player/desktop-player.js';
import { parseRfbRecording } from './player/rfb-replay.js';
import { Link } from '../../routing/link.js';
import { visibleText } from '../../format/visible-text.js';

async function loadRecording(
  api: TetherClient,
  recordingId: string,
): Promise<{
  recording: Recording;
  cast: Asciicast | null;
  desktop: Asciicast | null;
  text: string;
}> {
  const [recording, text] = await Promise.all([
    api.getRecording(recordingId),
    api.getRecordingContent(recordingId),
  ]);
  const isFiles = recording.format === 'tether-files-v1';
  if (recording.format === 'tether-rfb-v1')
    return { recording, text, cast: null, desktop: parseRfbRecording(text) };
  return { recording, text, cast: isFiles ? null : parseAsciicast(text), desktop: null };
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
        {({ recording, cast, desktop, text }) => (
          <>
            <PageHeader
              title={`${visibleText(recording.deviceName)} — ${recording.kind} session`}
              subtitle={`${recording.username}, ${formatDateTime(recording.startedAt)} · ${formatBytes(recording.sizeBytes)} · ${recording.state}`}
              actions={<RecordingDownload recording={recording} />}
            />
            {desktop ? (
              <DesktopPlayer timeline={desktop} />
            ) : cast ? (
              <RecordingPlayer cast={cast} />
            ) : (
              <FilesTimeline text={text} />
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
