export { startDesktopSession, type DesktopSessionOptions } from './desktop-session.js';
export type { VncTarget } from './vnc-upstream.js';
export { startX11vnc, type X11vnc } from './x11vnc.js';
export { grabScreenThumbnail } from './screen-thumbnail.js';
