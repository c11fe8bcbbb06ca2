import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeCycle, findCycles, readImportGraph } from './import-cycles.mjs';

const root = mkdtempSync(join(tmpdir(), 'tether-cycles-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a tiny package whose files are given as name -> source text. */
function fixture(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'src', file), text);
  return dir;
}

test('a cycle through a type-only import is found and printed as a chain', () => {
  const dir = fixture('tangled', {
    'port.ts': "import type { Service } from './service.js';\nexport type Port = Service;\n",
    'service.ts': "import { helper } from './helper.js';\nexport const Service = helper;\n",
    'helper.ts': "import type { Port } from './port.js';\nexport const helper = (p?: Port) => p;\n",
    'leaf.ts': "import { helper } from './helper.js';\nexport const leaf = helper;\n",
  });
  const cycles = findCycles(readImportGraph([dir]));
  assert.equal(cycles.length, 1);
  assert.equal(
    describeCycle(cycles[0] ?? [], join(dir, 'src')),
    'helper.ts\n    -> port.ts\n    -> service.ts\n    -> helper.ts',
  );
});

test('files that import each other only downwards have no cycle', () => {
  const dir = fixture('layered', {
    'port.ts': 'export interface Port { run(): void }\n',
    'service.ts': "import type { Port } from './port.js';\nexport const make = (p: Port) => p;\n",
    'main.ts':
      "import { make } from './service.js';\nimport type { Port } from './port.js';\n" +
      'export const main = (p: Port) => make(p);\n',
  });
  assert.deepEqual(findCycles(readImportGraph([dir])), []);
});

test('a cycle between two packages, through a workspace import by path, is found', () => {
  const upper = fixture('upper', { 'a.ts': "import '../../lower/src/b.js';\nexport {};\n" });
  const lower = fixture('lower', { 'b.ts': "import '../../upper/src/a.js';\nexport {};\n" });
  const cycles = findCycles(readImportGraph([upper, lower]));
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]?.length, 3);
});
