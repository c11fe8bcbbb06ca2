import { fileURLToPath } from 'node:url';

/** Node arguments that run this CLI again (for child processes such as the demo's agent). */
export function cliEntry(): string[] {
  return ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))];
}
