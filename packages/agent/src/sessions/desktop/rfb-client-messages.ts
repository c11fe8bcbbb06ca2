/**
 * Client → server RFB message types the agent understands: RFC 6143 and the extensions noVNC
 * sends to servers that announce them (layouts from the RFB community specification, rfbproto).
 */
export const CLIENT_MESSAGE = {
  setPixelFormat: 0,
  setEncodings: 2,
  framebufferUpdateRequest: 3,
  keyEvent: 4,
  pointerEvent: 5,
  clientCutText: 6,
  enableContinuousUpdates: 150,
  clientFence: 248,
  xvp: 250,
  setDesktopSize: 251,
  gii: 253,
  qemu: 255,
} as const;

/** QEMU client message sub-types (byte 1 of a type 255 message). */
const QEMU_SUBTYPE = { extendedKeyEvent: 0, audio: 1 } as const;

/** Messages that act on the device: dropped in view-only sessions. */
const INPUT_TYPES = new Set<number>([
  CLIENT_MESSAGE.keyEvent,
  CLIENT_MESSAGE.pointerEvent,
  CLIENT_MESSAGE.clientCutText,
  CLIENT_MESSAGE.setDesktopSize,
  // Power actions (shutdown, reboot, reset) on the device.
  CLIENT_MESSAGE.xvp,
  // General Input Interface: device creation and key, pointer and valuator events.
  CLIENT_MESSAGE.gii,
]);

/** Clipboard text above this is refused (a technician pastes text, not files). */
const MAX_CUT_TEXT_BYTES = 10 * 1024 * 1024;
/** rfbproto limits a fence payload to 64 bytes. */
const MAX_FENCE_PAYLOAD = 64;

/** True when the whole message `message` acts on the device (keys, pointer, clipboard, …). */
export function isInputMessage(message: Buffer): boolean {
  const type = message[0] ?? -1;
  if (type === CLIENT_MESSAGE.qemu) return message[1] === QEMU_SUBTYPE.extendedKeyEvent;
  return INPUT_TYPES.has(type);
}

/**
 * The whole length of the message at the start of `bytes`; undefined until enough bytes are
 * there to know it; a string saying why when the stream cannot be parsed safely.
 */
export function clientMessageLength(bytes: Buffer): number | string | undefined {
  if (bytes.length === 0) return undefined;
  const type = bytes[0] ?? -1;
  switch (type) {
    case CLIENT_MESSAGE.setPixelFormat:
      return 20;
    case CLIENT_MESSAGE.setEncodings:
      return bytes.length < 4 ? undefined : 4 + 4 * bytes.readUInt16BE(2);
    case CLIENT_MESSAGE.framebufferUpdateRequest:
    case CLIENT_MESSAGE.enableContinuousUpdates:
      return 10;
    case CLIENT_MESSAGE.keyEvent:
      return 8;
    case CLIENT_MESSAGE.pointerEvent:
      return 6;
    case CLIENT_MESSAGE.clientCutText:
      return cutTextLength(bytes);
    case CLIENT_MESSAGE.clientFence:
      return fenceLength(bytes);
    case CLIENT_MESSAGE.xvp:
      return 4;
    case CLIENT_MESSAGE.setDesktopSize:
      return bytes.length < 7 ? undefined : 8 + 16 * (bytes[6] ?? 0);
    case CLIENT_MESSAGE.gii:
      return giiLength(bytes);
    case CLIENT_MESSAGE.qemu:
      return qemuLength(bytes);
    default:
      return `unknown RFB client message type ${String(type)}`;
  }
}

function cutTextLength(bytes: Buffer): number | string | undefined {
  if (bytes.length < 8) return undefined;
  // Extended clipboard sends a negative length; its payload is the absolute value.
  const length = Math.abs(bytes.readInt32BE(4));
  if (length > MAX_CUT_TEXT_BYTES) return `clipboard text of ${length} bytes is over the limit`;
  return 8 + length;
}

function fenceLength(bytes: Buffer): number | string | undefined {
  if (bytes.length < 9) return undefined;
  const payload = bytes[8] ?? 0;
  if (payload > MAX_FENCE_PAYLOAD)
    return `fence payload of ${payload} bytes is over the ${MAX_FENCE_PAYLOAD}-byte limit`;
  return 9 + payload;
}

/** gii: the high bit of byte 1 says big endian, and the U16 length after it counts the body. */
function giiLength(bytes: Buffer): number | undefined {
  if (bytes.length < 4) return undefined;
  const isBigEndian = ((bytes[1] ?? 0) & 0x80) !== 0;
  return 4 + (isBigEndian ? bytes.readUInt16BE(2) : bytes.readUInt16LE(2));
}

function qemuLength(bytes: Buffer): number | string | undefined {
  if (bytes.length < 2) return undefined;
  const subtype = bytes[1] ?? -1;
  if (subtype === QEMU_SUBTYPE.extendedKeyEvent) return 12;
  if (subtype !== QEMU_SUBTYPE.audio) return `unknown QEMU client message sub-type ${subtype}`;
  if (bytes.length < 4) return undefined;
  const operation = bytes.readUInt16BE(2);
  // 0 enable, 1 disable: header only; 2 set format: sample format, channels, frequency.
  if (operation === 0 || operation === 1) return 4;
  if (operation === 2) return 10;
  return `unknown QEMU audio operation ${operation}`;
}
