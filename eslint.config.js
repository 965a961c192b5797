// ESLint for the whole repository (`npm run lint`, part of `npm test`'s "lint" suite through
// scripts/lint.mjs). Prettier owns formatting; ESLint owns correctness, with type information:
// - call control, its tools and scripts: typescript-eslint's recommendedTypeChecked on
//   server/tsconfig.json (floating promises, promises passed where callbacks are expected, any);
// - the e2e tests and browser benches: the same on e2e/tsconfig.json;
// - the console: the same on tsconfig.app.json + tsconfig.spec.json, plus angular-eslint (ts and
//   templates) and @ngrx/eslint-plugin (store, effects, operators);
// - everywhere: import-x/no-cycle, so a module cycle fails the lint instead of hiding.
// A rule switched off or down below says why in one line; inline disables carry a reason.
import js from '@eslint/js';
import angular from 'angular-eslint';
import ngrx from '@ngrx/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** The type-aware TypeScript rules shared by every part, on the given tsconfig files. */
function typeChecked(files, project) {
  return tseslint.config({
    files,
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project, tsconfigRootDir: root },
    },
    rules: {
      // Unused parameters named with a leading _ document a signature; unused locals stay errors.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // `void promise` is the explicit, reviewed way to start work nobody awaits; node:test's
      // test()/describe() return promises the runner itself tracks.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          ignoreVoid: true,
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      // ws hands messages over as Buffers (its default binaryType), though its RawData type
      // also names ArrayBuffer; the other names are the rule's defaults.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] },
      ],
      // Fastify plugins and hooks, and implementations of async interfaces, are async by
      // contract even when their body happens not to await.
      '@typescript-eslint/require-await': 'off',
    },
  });
}

/** Test and bench code: fixtures, harnesses, the tests themselves and the benchmarks. */
const testFiles = [
  '**/*.test.ts',
  '**/*.phone-test.ts',
  '**/*.cluster-test.ts',
  '**/*.spec.ts',
  '**/testing/**/*.ts',
  '**/test-support/**/*.ts',
  'server/test/**/*.ts',
  '**/bench/**/*.ts',
  'e2e/**/*.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out-tsc/**',
      'coverage/**',
      'bin/**',
      'tmp/**',
      '.angular/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    // Module cycles, in every TypeScript file. The resolver follows the code's own imports
    // (server: explicit .ts; console: extensionless).
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  ...typeChecked(
    ['server/**/*.ts', 'tools/**/*.ts', 'scripts/**/*.ts', 'protocol/**/*.ts'],
    ['server/tsconfig.json'],
  ),
  {
    files: ['server/**/*.ts', 'tools/**/*.ts', 'scripts/**/*.ts', 'protocol/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  ...typeChecked(['e2e/**/*.ts', 'playwright.config.ts'], ['e2e/tsconfig.json']),
  {
    files: ['e2e/**/*.ts', 'playwright.config.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  ...typeChecked(['src/**/*.ts'], ['tsconfig.app.json', 'tsconfig.spec.json']),
  ...typeChecked(
    ['projects/telephony/**/*.ts'],
    ['projects/telephony/tsconfig.lib.json', 'projects/telephony/tsconfig.spec.json'],
  ),
  {
    files: ['projects/telephony/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/**/*.ts'],
    extends: [
      ...angular.configs.tsRecommended,
      ...ngrx.configs.store,
      ...ngrx.configs.effects,
      ...ngrx.configs.operators,
    ],
    processor: angular.processInlineTemplates,
    languageOptions: { globals: globals.browser },
    rules: {
      // Effects keep the arrow-bodied form of the NgRx docs; tsc already checks their types.
      '@ngrx/prefer-effect-callback-in-block-statement': 'off',
      // concatLatestFrom needs @ngrx/operators (not a dependency); withLatestFrom on store
      // selectors, which always hold a value, behaves the same here.
      '@ngrx/prefer-concat-latest-from': 'off',
      // Angular's Validators are static functions made to be passed around unbound.
      '@typescript-eslint/unbound-method': 'off',
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: 'app', style: 'kebab-case' },
      ],
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: 'app', style: 'camelCase' },
      ],
    },
  },
  {
    // livekit-client is only a type import here, to stay out of the page's bundle until someone
    // monitors: its enums are compared by their string values.
    files: ['src/app/supervisor/supervisor-monitor.ts'],
    rules: { '@typescript-eslint/no-unsafe-enum-comparison': 'off' },
  },
  {
    // Tests and benches read HTTP and WebSocket bodies as JSON (any) on purpose: their assertions are what
    // check the shape, and typing every body first would only restate them. Fixtures hand out
    // methods that never use `this`, destructured for brevity.
    files: testFiles,
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The telephony SDK is a framework-free package (projects/telephony/README.md): nothing in
    // it may import Angular or NgRx, nor reach back into the console that uses it.
    files: ['projects/telephony/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@angular/*', '@ngrx/*', 'zone.js'],
              message: 'The telephony SDK is framework-free: no Angular or NgRx inside it.',
            },
            {
              group: ['**/src/app/**', '@switchboard/telephony', '@switchboard/telephony/*'],
              message: 'The SDK imports neither the console nor itself by package name.',
            },
          ],
        },
      ],
    },
  },
  {
    // The console uses the SDK as an embedding app would: through `@switchboard/telephony`, its
    // public API (projects/telephony/src/public-api.ts), never a file inside it.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/projects/**', '@switchboard/telephony/*'],
              message:
                "Import the telephony SDK from '@switchboard/telephony' (its public API) only.",
            },
          ],
        },
      ],
    },
  },
  {
    // Specs and test doubles may also use the SDK's test doubles, through their own entry point.
    files: ['src/**/*.spec.ts', 'src/**/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/projects/**',
                '@switchboard/telephony/*',
                '!@switchboard/telephony/testing',
              ],
              message:
                "Import the telephony SDK from '@switchboard/telephony' or '@switchboard/telephony/testing' only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
  },
);
