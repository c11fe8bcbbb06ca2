import type { Locator } from 'playwright-core';
import jsQRModule from 'jsqr';

// jsQR is a CommonJS bundle whose types declare an ES default export: under Node, that export is
// `module.exports.default`.
const jsQR = jsQRModule.default;

/**
 * Reads the QR code an SVG element on the page shows, as a phone camera would: the browser draws
 * the element into a canvas, and an independent decoder (jsQR) reads the pixels.
 */
export async function readQrCode(svg: Locator): Promise<string | undefined> {
  const size = 400;
  const pixels = await svg.evaluate(async (element, side) => {
    const markup = new XMLSerializer().serializeToString(element);
    const image = new Image(side, side);
    image.src = `data:image/svg+xml;base64,${btoa(markup)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    context.drawImage(image, 0, 0, side, side);
    return Array.from(context.getImageData(0, 0, side, side).data);
  }, size);
  return jsQR(Uint8ClampedArray.from(pixels), size, size)?.data;
}
