// `npm run check` step: fails when the TypeScript sources of any package import each other in a
// circle, printing each circle as a chain of files.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeCycle, findCycles, readImportGraph } from './import-cycles.mjs';

const root = new URL('..', import.meta.url).pathname;
const packages = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name));
const cycles = findCycles(readImportGraph(packages));
if (cycles.length === 0) {
  console.log('No import cycles.');
} else {
  console.error(`${cycles.length} import cycle(s); put the shared port in the lower folder:`);
  for (const chain of cycles) console.error(`  ${describeCycle(chain, root)}`);
  process.exit(1);
}
