// Finds import cycles among TypeScript sources. Type-only imports count too: a port imported
// "just for its type" still ties two folders together, and the next value import turns that
// tie into a load-order bug (STYLE.md: ports go in the lower folder).
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** @typedef {Map<string, string[]>} ImportGraph file -> files it imports */

/** @param {string} dir @param {string[]} found @returns {string[]} */
function collectSources(dir, found = []) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'dist-types') continue;
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collectSources(path, found);
    else if (/\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) found.push(realpathSync(path));
  }
  return found;
}

/**
 * The import graph of every .ts/.tsx file under `dirs`, with edges only between those files
 * (imports of other packages by name resolve through node_modules to their real sources).
 *
 * @param {string[]} dirs
 * @returns {ImportGraph}
 */
export function readImportGraph(dirs) {
  const files = dirs.flatMap((dir) => collectSources(dir));
  const known = new Set(files);
  /** @type {ts.CompilerOptions} */
  const options = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    jsx: ts.JsxEmit.ReactJSX,
  };
  /** @type {ImportGraph} */
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    /** @type {Set<string>} */
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule;
      if (!resolved) continue;
      // Workspace packages are symlinks in node_modules: follow them to our own sources.
      const target = realpathSync(resolved.resolvedFileName);
      if (known.has(target) && target !== file) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/**
 * Strongly connected components with more than one file (Tarjan), each sorted, in a stable
 * order. Every import cycle lies inside one of them.
 *
 * @param {ImportGraph} graph
 * @returns {string[][]}
 */
export function tangledGroups(graph) {
  let nextIndex = 0;
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {string[]} */ const stack = [];
  /** @type {Set<string>} */ const onStack = new Set();
  /** @type {string[][]} */ const groups = [];
  /** @param {string} file */
  const visit = (file) => {
    index.set(file, nextIndex);
    low.set(file, nextIndex++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    /** @type {string[]} */
    const group = [];
    for (;;) {
      const member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
      if (member === file) break;
    }
    if (group.length > 1) groups.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/**
 * The shortest cycle through `start` that stays inside `group`, as a chain that begins and
 * ends with `start`.
 *
 * @param {ImportGraph} graph @param {Set<string>} group @param {string} start
 * @returns {string[]}
 */
function shortestCycleThrough(graph, group, start) {
  /** @type {Map<string, string>} */
  const cameFrom = new Map();
  let frontier = [start];
  while (frontier.length > 0) {
    /** @type {string[]} */
    const next = [];
    for (const file of frontier)
      for (const target of graph.get(file) ?? []) {
        if (!group.has(target)) continue;
        if (target === start) {
          const chain = [start];
          for (let at = file; at !== start; at = cameFrom.get(at) ?? start) chain.unshift(at);
          return [start, ...chain];
        }
        if (cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        next.push(target);
      }
    frontier = next;
  }
  return [];
}

/**
 * Readable cycles: for each tangled group, shortest cycles until every file of the group lies on
 * at least one printed cycle (listing every elementary cycle can be exponential).
 *
 * @param {ImportGraph} graph
 * @returns {string[][]} chains like [a, b, c, a]
 */
export function findCycles(graph) {
  /** @type {string[][]} */
  const cycles = [];
  for (const members of tangledGroups(graph)) {
    const group = new Set(members);
    /** @type {Set<string>} */
    const covered = new Set();
    for (const file of members) {
      if (covered.has(file)) continue;
      const chain = shortestCycleThrough(graph, group, file);
      chain.forEach((member) => covered.add(member));
      if (chain.length > 0) cycles.push(chain);
    }
  }
  return cycles;
}

/** @param {string[]} chain @param {string} root @returns {string} */
export function describeCycle(chain, root) {
  return chain.map((file) => relative(root, file)).join('\n    -> ');
}
