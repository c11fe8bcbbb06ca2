// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Package import boundaries (DESIGN.md, Packages): who may import whom. */
const boundaries = {
  protocol: ['@tether/sdk', '@tether/server', '@tether/agent', '@tether/console', '@tether/cli'],
  sdk: ['@tether/server', '@tether/agent', '@tether/console', '@tether/cli'],
  server: ['@tether/sdk', '@tether/agent', '@tether/console', '@tether/cli'],
  agent: ['@tether/sdk', '@tether/server', '@tether/console', '@tether/cli'],
  console: ['@tether/server', '@tether/agent', '@tether/cli'],
};

const forbid = (names, extra = [], extraPaths = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: [
        ...names.map((name) => ({ name, message: 'Crosses a package boundary (DESIGN.md).' })),
        ...extraPaths,
      ],
      patterns: [
        { group: ['../../*/src/*', '../../../*/src/*'], message: 'Import other packages by name.' },
        ...extra,
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-types/**',
      'packages/cli/dist-test-*/**',
      'bench/results/**',
      'test-artifacts/**',
      'tether-data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain Node scripts that run before dependencies exist.
    files: ['scripts/**/*.mjs', 'packages/cli/bin/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    files: ['packages/protocol/src/**'],
    ignores: ['**/*.test.ts'],
    rules: forbid(boundaries.protocol, [
      { group: ['node:*'], message: 'protocol runs in browsers too: no node: imports.' },
    ]),
  },
  {
    files: ['packages/sdk/src/**'],
    ignores: ['packages/sdk/src/node/**'],
    rules: forbid(boundaries.sdk, [
      { group: ['node:*'], message: 'The browser entry of the sdk cannot use node: modules.' },
    ]),
  },
  { files: ['packages/sdk/src/node/**'], rules: forbid(boundaries.sdk) },
  { files: ['packages/server/**'], rules: forbid(boundaries.server) },
  { files: ['packages/agent/**'], rules: forbid(boundaries.agent) },
  {
    // Tests may use the server's schemas; what ships is kept to the agent's part.
    files: ['packages/agent/src/**'],
    rules: forbid(
      boundaries.agent,
      [],
      [
        {
          name: '@tether/protocol',
          message:
            'Import @tether/protocol/agent: the whole barrel makes the running agent construct every server schema (agent-side.ts).',
        },
      ],
    ),
  },
  { files: ['packages/console/**'], rules: forbid(boundaries.console) },
  {
    // The console's layers (packages/console/README.md, Layout): the api context and the shared
    // folders import no feature and not the shell; features do not import the shell. So every
    // feature can import them without a cycle.
    files: ['packages/console/src/{api,components,format,hooks,routing}/**'],
    rules: forbid(boundaries.console, [
      {
        group: ['**/features/**', '**/app/**'],
        message: 'Shared console code imports no feature.',
      },
    ]),
  },
  {
    files: ['packages/console/src/features/**'],
    rules: forbid(boundaries.console, [
      { group: ['**/app/**'], message: 'A feature does not import the console shell.' },
    ]),
  },
  {
    files: ['packages/server/src/**'],
    ignores: [
      'packages/server/src/http/**',
      'packages/server/src/ws/**',
      'packages/server/src/admin/**',
      'packages/server/src/app/**',
      'packages/server/src/**/*.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...boundaries.server.map((name) => ({ name, message: 'Crosses a package boundary.' })),
            { name: 'fastify', message: 'The domain never imports transports (STYLE.md).' },
            {
              name: 'ws',
              message: 'The domain never imports transports; relay/ gets sockets through its port.',
            },
          ],
        },
      ],
    },
  },
  {
    // A server promise nobody awaits would end the process on rejection: even `void p` must be
    // caught, or go through jobs/background-tasks.ts, which logs and audits its failure.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test/**'],
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }] },
  },
  {
    // node:test's test/describe/it return promises that the runner itself awaits.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
    },
  },
);
