import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as protocol from '@tether/protocol';
import type { AnyEndpoint } from '@tether/protocol';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The TypeScript expression of each contract as the protocol exports it
 * (`installerEndpoints["create"]`), so generated code can name its exact type.
 */
export function contractExpressions(endpoints: readonly AnyEndpoint[]): Map<AnyEndpoint, string> {
  const found = new Map<AnyEndpoint, string>();
  const wanted = new Set(endpoints);
  const exported: Record<string, unknown> = protocol;
  for (const [name, value] of Object.entries(exported)) {
    if (wanted.has(value as AnyEndpoint)) found.set(value as AnyEndpoint, name);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      const target = inner as AnyEndpoint;
      if (wanted.has(target) && !found.has(target))
        found.set(target, `${name}[${JSON.stringify(key)}]`);
    }
  }
  return found;
}

/**
 * Type checks, for one contract, that the SDK's types and the document's generated types agree
 * both ways: what the SDK sends is what the document accepts (and no more is documented), and
 * what the document says the server answers is what the SDK expects.
 */
function contractChecks(target: AnyEndpoint, expression: string, index: number): string {
  const e = `E${index}`;
  const op = `Op${index}`;
  const both = (label: string, sdk: string, document: string): string[] => [
    // Requests pass through `Sent` (fields zod types as `unknown`); answers compare as they are.
    `export type C${index}_${label}_sdk_to_document = Assignable<${label === 'response' ? sdk : `Sent<${sdk}>`}, ${document}>;`,
    `export type C${index}_${label}_document_to_sdk = Assignable<${document}, ${sdk}>;`,
  ];
  const lines = [
    `// ${target.id}: ${target.method} ${target.path}`,
    `type ${e} = typeof ${expression};`,
    `type ${op} = operations[${JSON.stringify(target.id)}];`,
  ];
  const request = `EndpointRequest<${e}>`;
  lines.push(
    ...(target.params
      ? both('params', `${request}['params']`, `${op}['parameters']['path']`)
      : [`export type C${index}_no_params = Assignable<${op}['parameters']['path'], undefined>;`]),
  );
  if (target.query) {
    const sdkQuery = `NonNullable<${request}['query']>`;
    const documentQuery = `NonNullable<${op}['parameters']['query']>`;
    lines.push(...both('query', sdkQuery, documentQuery));
  } else {
    lines.push(
      `export type C${index}_no_query = Assignable<${op}['parameters']['query'], undefined>;`,
    );
  }
  lines.push(
    ...(target.body
      ? both(
          'body',
          `${request}['body']`,
          `NonNullable<${op}['requestBody']>['content']['application/json']`,
        )
      : target.upload
        ? // An upload is a file (binary: a string in the generated types), never JSON.
          [
            `export type C${index}_upload = Assignable<NonNullable<${op}['requestBody']>['content'][${JSON.stringify(target.upload.contentType)}], string>;`,
          ]
        : [`export type C${index}_no_body = Assignable<${op}['requestBody'], undefined>;`]),
  );
  const success = `${op}['responses'][${target.success.status}]`;
  if (target.success.body !== undefined) {
    lines.push(
      ...both('response', `EndpointResponse<${e}>`, `${success}['content']['application/json']`),
    );
  } else if (target.success.contentType !== undefined) {
    const download = `${success}['content'][${JSON.stringify(target.success.contentType)}]`;
    lines.push(`export type C${index}_download = Assignable<${download}, string>;`);
  } else {
    lines.push(`export type C${index}_no_content = Assignable<${success}['content'], undefined>;`);
  }
  return lines.join('\n');
}

/** The checks of every contract, against the types generated from `./<typesModule>.js`. */
export function typeChecksSource(endpoints: readonly AnyEndpoint[], typesModule: string): string {
  const expressions = contractExpressions(endpoints);
  const missing = endpoints.filter((target) => !expressions.has(target)).map((target) => target.id);
  if (missing.length > 0)
    throw new Error(`Contracts not exported by @tether/protocol: ${missing.join(', ')}`);
  const imports = [
    ...new Set([...expressions.values()].map((expression) => expression.split('[')[0])),
  ];
  return [
    `import type { EndpointRequest, EndpointResponse, ${imports.join(', ')} } from '@tether/protocol';`,
    `import type { operations } from './${typesModule}.js';`,
    '/** Compiles only where `From` is assignable to `To`. */',
    'type Assignable<From extends To, To> = [From, To];',
    '/**',
    " * What the SDK sends, with fields it types as `unknown` (zod's input of `z.coerce` and",
    ' * `z.preprocess`: any value is parsed) left out of the comparison, at any depth.',
    ' */',
    'type Sent<T> = unknown extends T ? any : T extends object ? { [K in keyof T]: Sent<T[K]> } : T;',
    ...endpoints.map((target, index) =>
      contractChecks(target, expressions.get(target) ?? '', index),
    ),
    '',
  ].join('\n');
}

/** TypeScript declarations of an OpenAPI document, from openapi-typescript. */
export async function generatedTypes(document: unknown): Promise<string> {
  // A field with a default is optional in a request: only the document's `required` decides.
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], {
    defaultNonNullable: false,
  });
  return astToString(ast);
}

/**
 * Writes `files` into a new folder that resolves `@tether/protocol` to this repository's source,
 * and type checks them with the repository's TypeScript. Returns tsc's output (empty: no errors).
 */
export async function typeCheck(
  files: Record<string, string>,
): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'tether-openapi-types-'));
  await mkdir(join(dir, 'node_modules', '@tether'), { recursive: true });
  await symlink(
    join(root, 'packages', 'protocol'),
    join(dir, 'node_modules', '@tether', 'protocol'),
  );
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      types: [],
    },
    files: Object.keys(files),
  };
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir, maxBuffer: 1 << 24 });
    return { ok: true, output: '' };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The contracts whose checks in `file` failed, by the line tsc names (each contract's checks
 * follow its `// <id>:` comment in `source`).
 */
export function failingContracts(output: string, file: string, source: string): Set<string> {
  const lines = source.split('\n');
  const failing = new Set<string>();
  const at = new RegExp(`^${file.replaceAll('.', '\\.')}\\((\\d+),\\d+\\)`, 'gm');
  for (const match of output.matchAll(at)) {
    const header = lines
      .slice(0, Number(match[1]))
      .reverse()
      .find((line) => line.startsWith('// '));
    failing.add(header?.slice(3).split(':')[0] ?? `line ${match[1]}`);
  }
  return failing;
}
