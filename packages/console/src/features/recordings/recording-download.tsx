import type { Recording } from '@tether/protocol';
import { useConsole } from '../../api/console-context.js';

/** What each recording format downloads as, for the button's label and tooltip. */
const FORMAT_LABELS: Record<Recording['format'], { label: string; title: string }> = {
  'asciicast-v2': {
    label: '⤓ Download .cast',
    title: 'The terminal session as asciicast v2 (plays with asciinema play)',
  },
  'tether-files-v1': {
    label: '⤓ Download',
    title: 'The file transfer timeline (JSON lines, one event per line)',
  },
  'tether-rfb-v1': {
    label: '⤓ Download',
    title: 'The desktop recording (JSON lines of timed RFB data)',
  },
};

/**
 * A link that downloads a recording's file as the server stores it (the server names it).
 *
 * @example
 * <RecordingDownload recording={recording} />
 */
export function RecordingDownload({ recording }: { recording: Recording }) {
  const { api } = useConsole();
  const { label, title } = FORMAT_LABELS[recording.format];
  return (
    <a
      href={api.recordingDownloadUrl(recording.id)}
      download
      className="button button-small"
      title={title}
      data-testid="recording-download"
    >
      {label}
    </a>
  );
}
