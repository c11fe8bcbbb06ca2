import { decodeTerminalFrame } from '@tether/protocol';
import type { RelayTap } from '../relay/index.js';
import type { AsciicastWriter } from './asciicast-writer.js';

/**
 * The relay tap of a terminal session: pty output (agent → console DATA) and the console's
 * RESIZE frames go to the recording. Keystrokes (console → agent DATA) are not recorded: what a
 * technician types includes passwords, and the pty echoes everything else anyway.
 *
 * @example
 * pairPeers({ sessionId, console, agent, tap: createTerminalRecorder(writer), onEnd });
 */
export function createTerminalRecorder(
  writer: Pick<AsciicastWriter, 'output' | 'resize' | 'isCongested' | 'onRelieved'>,
): RelayTap {
  return {
    backpressure: writer,
    fromAgent(data) {
      const frame = decodeTerminalFrame(data);
      if (frame?.type === 'data') writer.output(frame.data);
    },
    fromConsole(data) {
      const frame = decodeTerminalFrame(data);
      if (frame?.type === 'resize') writer.resize(frame.cols, frame.rows);
    },
  };
}
