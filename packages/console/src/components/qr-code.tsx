import { useEffect, useState } from 'react';

/** The dark modules of a QR code as one SVG path: a unit square per module, row by row. */
function modulesPath(size: number, isDark: (row: number, col: number) => boolean): string {
  const parts: string[] = [];
  for (let row = 0; row < size; row++)
    for (let col = 0; col < size; col++) if (isDark(row, col)) parts.push(`M${col} ${row}h1v1h-1z`);
  return parts.join('');
}

const QUIET_ZONE = 4;

/**
 * A QR code of `text`, drawn as SVG elements (no image URL, no inner HTML). The encoder is loaded
 * the first time one is shown, so the console's own bundle does not carry it.
 *
 * @example
 * <QrCode text={enrolment.uri} label="Scan with your authenticator app" />
 */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [code, setCode] = useState<{ size: number; path: string } | null>(null);
  useEffect(() => {
    let current = true;
    void import('qrcode').then(({ create }) => {
      const { modules } = create(text, { errorCorrectionLevel: 'M' });
      const path = modulesPath(modules.size, (row, col) => Boolean(modules.get(row, col)));
      if (current) setCode({ size: modules.size, path });
    });
    return () => {
      current = false;
    };
  }, [text]);
  if (!code) return <div className="qr-code qr-code-loading" aria-busy="true" />;
  const extent = code.size + 2 * QUIET_ZONE;
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      viewBox={`${-QUIET_ZONE} ${-QUIET_ZONE} ${extent} ${extent}`}
      shapeRendering="crispEdges"
      data-testid="qr-code"
    >
      <rect x={-QUIET_ZONE} y={-QUIET_ZONE} width={extent} height={extent} fill="#fff" />
      <path d={code.path} fill="#000" />
    </svg>
  );
}
