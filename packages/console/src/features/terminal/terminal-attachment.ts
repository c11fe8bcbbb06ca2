import type { SessionAttachment } from '../sessions/use-remote-session.js';
import { createXterm } from './create-xterm.js';
import { openTerminalRelay, type TerminalRelay } from './terminal-relay.js';

/**
 * A terminal session's side in the page: an xterm in `element` that follows the element's
 * size, its keystrokes and size sent over the relay, the relay's output written to it.
 *
 * @example
 * useRemoteSession({ deviceId, kind: 'terminal', attach: () => terminalAttachment(element) });
 */
export function terminalAttachment(element: HTMLElement): SessionAttachment<TerminalRelay> {
  const { terminal, fit } = createXterm(element);
  fit.fit();
  const observer = new ResizeObserver(() => fit.fit());
  observer.observe(element);
  let relay: TerminalRelay | null = null;
  terminal.onResize(({ cols, rows }) => relay?.resize(cols, rows));
  terminal.onData((text) => relay?.sendInput(text));
  terminal.focus();
  return {
    request: { cols: terminal.cols, rows: terminal.rows },
    join: (url, events) => {
      relay = openTerminalRelay(url, {
        size: { cols: terminal.cols, rows: terminal.rows },
        onOutput: (bytes) => terminal.write(bytes),
        onStatus: (next) => {
          if (next.state === 'connected') events.onConnected();
          if (next.state !== 'ended') return;
          terminal.options.cursorBlink = false;
          events.onEnded(next.reason);
        },
      });
      return relay;
    },
    close: (link, reason) => link.close(reason),
    dispose: () => {
      relay?.close('you left the page');
      observer.disconnect();
      terminal.dispose();
    },
  };
}
