import type { Clock } from '../../clock.js';
import { ByteQueue } from './byte-queue.js';
import { encodePng } from './png.js';
import { connectVnc, type VncTarget } from './vnc-upstream.js';

/** Thumbnails are at most this wide (and proportionally tall). */
const THUMBNAIL_WIDTH = 160;
const TIMEOUT_MS = 10_000;
const MAX_SCREEN_PIXELS = 8192 * 8192;

/**
 * Grabs the device's screen through its VNC server (one raw full update, 32-bit pixels) and
 * returns a small PNG as a `data:` URL, for the screen thumbnail statistic.
 *
 * @example
 * stats.screenThumbnail = await grabScreenThumbnail(vnc, clock);
 */
export async function grabScreenThumbnail(target: VncTarget, clock: Clock): Promise<string> {
  const { socket, rest } = await connectVnc(target, clock);
  const queue = new ByteQueue();
  queue.push(rest);
  socket.on('data', (data: Buffer) => queue.push(data));
  socket.on('error', (error) => queue.fail(error));
  socket.on('close', () => queue.fail(new Error('the VNC server closed the connection')));
  const cancel = clock.setTimer(
    () => queue.fail(new Error('the screen grab timed out')),
    TIMEOUT_MS,
  );
  socket.resume();
  try {
    socket.write(Buffer.from([1])); // ClientInit: shared
    const init = await queue.read(24);
    await queue.read(init.readUInt32BE(20)); // desktop name
    const width = init.readUInt16BE(0);
    const height = init.readUInt16BE(2);
    if (width * height === 0 || width * height > MAX_SCREEN_PIXELS)
      throw new Error(`unexpected screen size ${width}x${height}`);
    // SetPixelFormat: 32 bpp, depth 24, little-endian, true colour, red 16, green 8, blue 0.
    socket.write(
      Buffer.from([0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]),
    );
    socket.write(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0])); // SetEncodings: raw only
    socket.write(
      Buffer.from([3, 0, 0, 0, 0, 0, width >> 8, width & 255, height >> 8, height & 255]),
    );
    const pixels = await readFullUpdate(queue, width, height);
    return `data:image/png;base64,${encodePng(downscale(pixels, width, height)).toString('base64')}`;
  } finally {
    cancel();
    socket.destroy();
  }
}

/** Reads FramebufferUpdate messages (skipping others) until every pixel has been painted. */
async function readFullUpdate(queue: ByteQueue, width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 4);
  let painted = 0;
  while (painted < width * height) {
    const [type] = await queue.read(1);
    if (type === 2) continue; // Bell
    if (type === 3) {
      await queue.read(3);
      await queue.read(await queue.readU32()); // ServerCutText
      continue;
    }
    if (type !== 0) throw new Error(`unexpected RFB message ${String(type)} while grabbing`);
    const rects = (await queue.read(3)).readUInt16BE(1);
    for (let i = 0; i < rects; i += 1) {
      const head = await queue.read(12);
      const [x, y, w, h] = [0, 2, 4, 6].map((at) => head.readUInt16BE(at)) as [
        number,
        number,
        number,
        number,
      ];
      if (head.readInt32BE(8) !== 0) throw new Error('the VNC server sent a non-raw rectangle');
      if (x + w > width || y + h > height) throw new Error('a rectangle lies outside the screen');
      const data = await queue.read(w * h * 4);
      for (let row = 0; row < h; row += 1)
        data.copy(pixels, ((y + row) * width + x) * 4, row * w * 4, (row + 1) * w * 4);
      painted += w * h;
    }
  }
  return pixels;
}

/** Nearest-neighbour scaling of BGRX pixels to an RGB thumbnail. */
function downscale(pixels: Buffer, width: number, height: number) {
  const outWidth = Math.min(THUMBNAIL_WIDTH, width);
  const outHeight = Math.max(1, Math.round((height * outWidth) / width));
  const rgb = new Uint8Array(outWidth * outHeight * 3);
  for (let y = 0; y < outHeight; y += 1) {
    const sourceY = Math.floor((y * height) / outHeight);
    for (let x = 0; x < outWidth; x += 1) {
      const at = (sourceY * width + Math.floor((x * width) / outWidth)) * 4;
      const to = (y * outWidth + x) * 3;
      rgb[to] = pixels[at + 2] ?? 0;
      rgb[to + 1] = pixels[at + 1] ?? 0;
      rgb[to + 2] = pixels[at] ?? 0;
    }
  }
  return { width: outWidth, height: outHeight, rgb };
}
