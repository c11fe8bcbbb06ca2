// The test files as esbuild bundles, for scripts/run-tests.mjs. Under tsx every test process
// transformed and resolved the sources it imports through Node's loader hooks (~1 s and ~2 s of
// CPU for a test that imports the server: a fifth of the suite's CPU); a bundle loads in a tenth
// of that. One build with code splitting: the modules the files share are chunks built once.
//
// What a test sees is what tsx gives it: each module's `import.meta.url` is its own source
// file's URL (so paths built from it, fixtures and the checkout root, are the same), packages
// from node_modules load from there, `__TETHER_BUNDLE__` is not defined (the code runs as the
// sources do: `tether` child processes start as tests ask). Node is not asked to map stack traces
// to the sources (`--enable-source-maps` parses every map a process loads: ~0.7 s of CPU for an
// end-to-end test); the runner maps the positions in what a test printed instead (`toSources`).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REQUIRE_BANNER } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;

/** The module-scope name each module's `import.meta.url` becomes (declared in the module). */
const META_URL = '__tetherSourceUrl';

/**
 * Gives each module of the checkout its source file's URL as `import.meta.url`, and leaves every
 * package but Tether's own (workspace, bundled from source) to load from node_modules.
 *
 * @type {import('esbuild').Plugin}
 */
const asFromSources = {
  name: 'as-from-sources',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@tether/') ? undefined : { path: args.path, external: true },
    );
    build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // On the first line (after a #! line), so the lines stay the source's.
      const at = source.startsWith('#!') ? source.indexOf('\n') + 1 : 0;
      const declaration = `const ${META_URL} = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      return {
        contents: `${source.slice(0, at)}${declaration}${source.slice(at)}`,
        loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js',
      };
    });
  },
};

/**
 * Bundles `files` (paths relative to the checkout) into a new folder under node_modules/.cache
 * (so packages resolve from node_modules as they do for the sources); returns each file's
 * bundle, a function that removes the folder, and one that maps bundle positions in a text to
 * the sources.
 *
 * @param {string[]} files
 * @returns {Promise<{ bundleOf: Map<string, string>, remove: () => void, toSources: (text: string) => string }>}
 */
export async function bundleTests(files) {
  const { build } = await import('esbuild');
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'tether-tests-'));
  const remove = () => rmSync(outdir, { recursive: true, force: true });
  try {
    await build({
      absWorkingDir: root,
      entryPoints: files,
      outbase: root,
      outdir,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      define: { 'import.meta.url': META_URL },
      banner: { js: REQUIRE_BANNER },
      sourcemap: 'linked',
      sourcesContent: false,
      plugins: [asFromSources],
      logLevel: 'error',
    });
  } catch (error) {
    remove();
    throw error;
  }
  const bundleOf = new Map(
    files.map((file) => [file, join(outdir, file.replace(/\.[cm]?[jt]sx?$/, '.mjs'))]),
  );
  return { bundleOf, remove, toSources: sourcePositions(outdir) };
}

/**
 * Rewrites the bundle positions in a test's output (`<outdir>/…/x.mjs:12:34`, stack traces and
 * the runner's "test at …") to the source file and line they came from, read from the bundle's
 * source maps; a position without a mapping stays as it is.
 *
 * @param {string} outdir
 * @returns {(text: string) => string}
 */
function sourcePositions(outdir) {
  /** @type {Map<string, SourceMap | undefined>} */
  const maps = new Map();
  const mapOf = (/** @type {string} */ file) => {
    if (!maps.has(file)) {
      const path = `${file}.map`;
      maps.set(
        file,
        existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined,
      );
    }
    return maps.get(file);
  };
  const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Absolute in stack traces, relative to the checkout in the runner's "test at …".
  const position = new RegExp(
    `(?:file://)?(?:${escape(root)})?(${escape(relative(root, outdir))}/[^\\s():]+\\.mjs):(\\d+):(\\d+)`,
    'g',
  );
  return (text) =>
    text.replace(position, (whole, bundle, line, column) => {
      const file = join(root, bundle);
      const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry || !('originalSource' in entry)) return whole;
      const source = entry.originalSource.startsWith('file:')
        ? fileURLToPath(entry.originalSource)
        : join(file, '..', entry.originalSource);
      return `${relative(root, source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
}
