// The production build: esbuild bundles of the `tether` command, the server and the agent in
// packages/cli/dist (DESIGN.md, Packaging). `npm start` runs them; tsx stays for development and
// tests. Plain Node, so ensure-deps.mjs can run it right after `npm ci`.
//
// One build with code splitting: `tether.mjs` holds only the command table and argument parsing,
// and each command loads the server or the agent when it runs (dynamic imports), so `tether
// --help` starts in milliseconds and `tether agent run` never loads the server.
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
export const bundleDir = join(root, 'packages/cli/dist');
/**
 * The agent package's app (issue 14): the agent's commands only, in their own folder, so the
 * server ships to devices neither its own code nor the console's.
 */
export const agentPackageDir = join(bundleDir, 'agent-package');

/**
 * Native addons (built from source on the machine), the optional native parts of pure-JS
 * packages, and packages that read files beside their code stay outside the bundle and load
 * from node_modules.
 */
const NATIVE = [
  'better-sqlite3',
  'node-pty',
  'bufferutil',
  'utf-8-validate',
  'pg-native',
  'ssh2',
  'cpu-features',
  // Reads its attribute dictionaries from its own folder (__dirname) at run time.
  'radius',
];

/**
 * Fastify's default schema compilers (Ajv with its formats, fast-json-stringify: ~0.7 MiB of
 * code). Tether validates with zod and passes its own compilers (https-app.ts,
 * `NO_FASTIFY_SCHEMAS`), so Fastify never loads these; the bundle gets a module that says so
 * instead of their code, which every server process would otherwise parse and keep.
 *
 * @type {import('esbuild').Plugin}
 */
const withoutFastifySchemaCompilers = {
  name: 'without-fastify-schema-compilers',
  setup(build) {
    build.onResolve(
      { filter: /^@fastify\/(ajv-compiler|fast-json-stringify-compiler)$/ },
      (args) =>
        /[\\/]node_modules[\\/]fastify[\\/]/.test(args.importer)
          ? { path: args.path, namespace: 'without-fastify-schema-compilers' }
          : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'without-fastify-schema-compilers' }, () => ({
      contents:
        "module.exports = () => { throw new Error('Not in the Tether bundle: routes validate with their endpoint contracts.'); };",
      loader: 'js',
    }));
  },
};

/**
 * zod's 40 translations of its messages (half of zod's code): `z.locales` re-exports them all,
 * so bundling cannot drop them, and every process would parse and keep them. Tether never
 * changes zod's language and turns zod's issues into its own sentences (input-issues.ts), so
 * the bundle gets English only. Sources run through tsx keep the full package.
 *
 * @type {import('esbuild').Plugin}
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: root,
    }));
  },
};

/** CommonJS modules bundled into ESM still call require() (for Node's built-ins): this gives it. */
export const REQUIRE_BANNER =
  "import { createRequire as __tetherCreateRequire } from 'node:module'; const require = __tetherCreateRequire(import.meta.url);";

/**
 * What both builds share: ESM for Node 20 with chunks, the same externals, plugins and define.
 *
 * @type {import('esbuild').BuildOptions}
 */
const COMMON = {
  absWorkingDir: root,
  // Chunks sit beside the entries: code that resolves paths from import.meta.url
  // (console-dir.ts, self.ts) gives the same answer from any file of the bundle.
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: NATIVE,
  define: { __TETHER_BUNDLE__: 'true' },
  banner: { js: REQUIRE_BANNER },
  legalComments: 'none',
  // Without comments and indentation the sources V8 parses, and keeps for the life of the
  // process, are half the size (server 3.8 -> 1.8 MiB), and pure ASCII: esbuild escapes the
  // rest, but kept comments as they were, and one dash in a comment made V8 hold a whole file
  // as UTF-16 (8 MiB for the server's). Names stay, so stack traces still say which function.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [zodEnglishOnly, withoutFastifySchemaCompilers],
  logLevel: 'warning',
};

/**
 * Builds the bundles into `outDir` (emptied first); returns the output files and their sizes.
 * The production-bundle test builds into a folder of its own beside packages/cli/dist: the
 * bundle finds the console and node_modules by relative paths, and other tests run the CLI
 * from packages/cli/dist meanwhile.
 *
 * @param {string} [outDir]
 */
export async function buildBundles(outDir = bundleDir) {
  rmSync(outDir, { recursive: true, force: true });
  const [result, agentPackage] = await Promise.all([
    build({
      ...COMMON,
      entryPoints: {
        tether: 'packages/cli/src/main.ts',
        server: 'packages/server/src/index.ts',
        agent: 'packages/agent/src/index.ts',
      },
      outdir: outDir,
      metafile: true,
      // The linked source maps give file and line (`node --enable-source-maps`).
      sourcemap: 'linked',
      sourcesContent: false,
    }),
    // The app of the agent package the server ships to devices (`tether-agent.mjs`): its own
    // chunks, no source maps (every byte goes to every device).
    build({
      ...COMMON,
      entryPoints: { 'tether-agent': 'packages/cli/src/agent-main.ts' },
      outdir: join(outDir, 'agent-package'),
      metafile: true,
    }),
  ]);
  const outputs = { ...result.metafile.outputs, ...agentPackage.metafile.outputs };
  return {
    metafile: result.metafile,
    outputs: Object.entries(outputs)
      .filter(([file]) => !file.endsWith('.map'))
      .map(([file, output]) => ({
        file,
        bytes: output.bytes,
      })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `--out DIR` builds elsewhere (the production-bundle test); the default is packages/cli/dist.
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? '') : bundleDir;
  const started = Date.now();
  const { outputs } = await buildBundles(outDir);
  const total = outputs.reduce((sum, output) => sum + output.bytes, 0);
  console.log(
    `Built ${outputs.length} files in ${relative(root, outDir)} (${(total / 2 ** 20).toFixed(1)} MiB) in ${Date.now() - started} ms.`,
  );
}
