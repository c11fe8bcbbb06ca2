// The few web-platform globals protocol uses; both Node 20 and browsers provide them. Declared
// here instead of pulling in all of lib.dom, so DOM-only APIs stay out of shared code.
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
