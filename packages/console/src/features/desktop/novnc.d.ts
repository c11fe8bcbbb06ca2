/** The part of noVNC's RFB client the console uses (noVNC ships no types). */
declare module '@novnc/novnc' {
  /** What noVNC reads from and writes to: a WebSocket, or anything shaped like one. */
  export interface RfbChannel {
    binaryType: string;
    readonly readyState: number | string;
    readonly protocol: string;
    onopen: ((event: Event) => void) | null;
    onclose: ((event: CloseEvent) => void) | null;
    onerror: ((event: Event) => void) | null;
    onmessage: ((event: MessageEvent) => void) | null;
    send(data: ArrayBuffer | Uint8Array): void;
    close(): void;
  }

  export default class RFB extends EventTarget {
    constructor(
      target: HTMLElement,
      urlOrChannel: string | RfbChannel,
      options?: { shared?: boolean; wsProtocols?: string[] },
    );
    viewOnly: boolean;
    scaleViewport: boolean;
    resizeSession: boolean;
    clipViewport: boolean;
    focusOnClick: boolean;
    qualityLevel: number;
    compressionLevel: number;
    showDotCursor: boolean;
    background: string;
    disconnect(): void;
    sendCtrlAltDel(): void;
    clipboardPasteFrom(text: string): void;
    focus(): void;
  }
}
