import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeTerminalFrame } from '@tether/protocol';
import { createTerminalRecorder } from './terminal-recorder.js';

describe('terminal recorder', () => {
  it('records pty output and console resizes, never keystrokes', () => {
    const seen: string[] = [];
    const recorder = createTerminalRecorder({
      output: (bytes) => seen.push(`o:${new TextDecoder().decode(bytes)}`),
      resize: (cols, rows) => seen.push(`r:${cols}x${rows}`),
      isCongested: false,
      onRelieved: () => undefined,
    });
    const data = (text: string) =>
      encodeTerminalFrame({ type: 'data', data: new TextEncoder().encode(text) });
    recorder.fromAgent(data('$ '));
    recorder.fromConsole(data('hunter2\r'));
    recorder.fromConsole(encodeTerminalFrame({ type: 'resize', cols: 132, rows: 43 }));
    recorder.fromAgent(encodeTerminalFrame({ type: 'exit', exitCode: 0, reason: 'logout' }));
    recorder.fromAgent(new Uint8Array([0x7f, 1, 2]));
    assert.deepEqual(seen, ['o:$ ', 'r:132x43']);
  });
});
