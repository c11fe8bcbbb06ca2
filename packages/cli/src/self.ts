import { fileURLToPath } from 'node:url';

/** Set to true by the production build (scripts/build.mjs); absent when tsx runs the sources. */
declare const __TETHER_BUNDLE__: boolean | undefined;

/** True when this code runs from the esbuild bundle in packages/cli/dist. */
export const isBundle = typeof __TETHER_BUNDLE__ !== 'undefined' && __TETHER_BUNDLE__;

/** Node arguments that run this CLI again (for child processes such as the demo's agent). */
export function cliEntry(): string[] {
  // The bundle's files all sit in one folder (chunks beside the entry), so this resolves to the
  // bundle's entry from any of them.
  if (isBundle) return [fileURLToPath(new URL('./tether.mjs', import.meta.url))];
  return ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))];
}

/**
 * The checkout (or installed program directory) this CLI runs from: `packages/cli/src` and
 * `packages/cli/dist` are both three levels below it.
 */
export const checkoutRoot = fileURLToPath(new URL('../../..', import.meta.url));
