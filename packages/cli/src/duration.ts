import { AppError } from '@tether/protocol/app-error';

const UNITS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/**
 * Parses `90s`, `10m`, `1h`, `7d`, `2w`, `1y` (or a bare number of seconds) into seconds.
 *
 * @example
 * parseDuration('1h'); // 3600
 */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdwy]?)$/.exec(text.trim());
  if (!match) {
    throw new AppError('INVALID_INPUT', `"${text}" is not a duration; use e.g. 10m, 1h, 7d or 1y.`);
  }
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}
