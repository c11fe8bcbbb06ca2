import { linuxPlatform } from './linux/linux-platform.js';
import type { Platform } from './platform.js';
import { portablePlatform } from './portable-platform.js';

/**
 * The platform implementation for an OS (`process.platform`); the portable one where no
 * specific implementation exists yet (win32, darwin).
 *
 * @example
 * const platform = selectPlatform(process.platform);
 */
export function selectPlatform(os: NodeJS.Platform): Platform {
  return os === 'linux' ? linuxPlatform : portablePlatform;
}
