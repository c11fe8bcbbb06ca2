import RFB from '@novnc/novnc';
import { closeReason } from '../sessions/session-end.js';
import type { SessionAttachment } from '../sessions/use-remote-session.js';

/** Settings the technician can change while connected. */
export interface DesktopSettings {
  scaleToWindow: boolean;
  /** JPEG quality 0–9 (tight encoding). */
  quality: number;
  /** Compression 0–9. */
  compression: number;
}

/**
 * A desktop session's side in the page: noVNC in `element`, speaking RFB straight over the
 * relay WebSocket (the agent presents a no-auth RFB server).
 *
 * @example
 * attach: () => desktopAttachment(element, { viewOnly, settings: () => settingsRef.current, onClipboard })
 */
export function desktopAttachment(
  element: HTMLElement,
  options: {
    viewOnly: boolean;
    /** The settings when noVNC starts (they change later through `applySettings`). */
    settings: () => DesktopSettings;
    /** Text the device's clipboard sent. */
    onClipboard: (text: string) => void;
  },
): SessionAttachment<RFB> {
  const { viewOnly } = options;
  return {
    request: viewOnly ? { viewOnly } : {},
    join: (url, events) => {
      const endReason = (otherwise: string): string =>
        events.isEnding() ? 'you ended the session' : otherwise;
      // The socket is opened here rather than by noVNC, whose `disconnect` event drops the
      // server's close reason (e.g. "Run the agent with --vnc …"): the page shows it.
      const socket = new WebSocket(url);
      socket.addEventListener('close', (event) => events.onEnded(endReason(closeReason(event))));
      const rfb = new RFB(element, socket, { shared: true });
      rfb.viewOnly = viewOnly;
      applySettings(rfb, options.settings());
      let desktopName = 'the desktop'; // the name arrives just before `connect`
      rfb.addEventListener('desktopname', (event) => {
        const name = (event as CustomEvent<{ name?: unknown }>).detail.name;
        if (typeof name === 'string' && name !== '') desktopName = name;
      });
      rfb.addEventListener('connect', () => events.onConnected(desktopName));
      // noVNC may end the session with the socket still open (a protocol error): it closes the
      // socket then, whose close event above gives the better reason when there is one.
      rfb.addEventListener('disconnect', () =>
        events.onEnded(endReason('closed'), { isTentative: true }),
      );
      rfb.addEventListener('clipboard', (event) => {
        const text = (event as CustomEvent<{ text?: unknown }>).detail.text;
        if (typeof text === 'string') options.onClipboard(text);
      });
      return rfb;
    },
    close: (rfb) => rfb.disconnect(),
  };
}

/**
 * Applies the technician's scaling, quality and compression to a running noVNC.
 *
 * @example
 * applySettings(rfb, { scaleToWindow: true, quality: 6, compression: 2 });
 */
export function applySettings(rfb: RFB, settings: DesktopSettings): void {
  rfb.scaleViewport = settings.scaleToWindow;
  rfb.qualityLevel = settings.quality;
  rfb.compressionLevel = settings.compression;
}
