import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITerminalInitOnlyOptions, type ITerminalOptions } from '@xterm/xterm';

/** The console's terminal look, shared by live sessions and the recording player. */
export const terminalOptions: ITerminalOptions = {
  fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  cursorBlink: true,
  scrollback: 5000,
  theme: {
    background: '#0f172a',
    foreground: '#e2e8f0',
    cursor: '#38bdf8',
    selectionBackground: '#334155',
  },
};

/**
 * An xterm with the fit addon loaded, opened in `element`.
 *
 * @example
 * const { terminal, fit } = createXterm(container);
 * fit.fit();
 */
export function createXterm(
  element: HTMLElement,
  options: ITerminalOptions & ITerminalInitOnlyOptions = {},
): { terminal: Terminal; fit: FitAddon } {
  const terminal = new Terminal({ ...terminalOptions, ...options });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.open(element);
  return { terminal, fit };
}
