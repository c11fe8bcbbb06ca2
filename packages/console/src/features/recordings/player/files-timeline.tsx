import { FilesTimelineEvent } from '@tether/protocol';
import { formatBytes } from '../../../format/format.js';

function parseEvents(text: string): FilesTimelineEvent[] {
  const events: FilesTimelineEvent[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a torn last line after a crash: the server reports the recording as not intact
    }
    const parsed = FilesTimelineEvent.safeParse(value);
    if (parsed.success) events.push(parsed.data);
  }
  return events;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The timeline of a files session: every folder operation, transfer (with size and SHA-256)
 * and refusal, in order.
 *
 * @example
 * <FilesTimeline text={await api.getRecordingContent(id)} />
 */
export function FilesTimeline({ text }: { text: string }) {
  const events = parseEvents(text);
  if (events.length === 0) return <p className="muted">Nothing was done in this session.</p>;
  return (
    <table className="table" data-testid="files-timeline">
      <thead>
        <tr>
          <th>Time</th>
          <th>Operation</th>
          <th>Outcome</th>
          <th>Path</th>
          <th>Size</th>
          <th>SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event, index) => (
          <tr
            key={index}
            data-testid="timeline-event"
            data-op={event.op}
            data-outcome={event.outcome}
          >
            <td>{seconds(event.t)}</td>
            <td>{event.archive ? `${event.op} (folder as ${event.archive})` : event.op}</td>
            <td title={event.message}>
              {event.outcome}
              {event.skipped ? `, ${event.skipped} skipped` : ''}
            </td>
            <td className="mono small">
              {event.path ?? ''}
              {event.to ? ` → ${event.to}` : ''}
            </td>
            <td>{event.size === undefined ? '' : formatBytes(event.size)}</td>
            <td className="mono small">{event.sha256 ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
