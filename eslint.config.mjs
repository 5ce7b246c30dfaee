// Lint rules that keep the layering honest (../shared/style.md §1 and §3): dependencies flow
// shared <- core <- biotime/frappe <- cli/vscode, the webview sees only shared, and the sandbox
// servers never see the clients they are meant to test.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode may import vscode: the engine must run headless.' };
const restrict = (patterns) => ['error', { paths: [noVscode], patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.e2e-out/**', 'e2e/**/*.mjs', 'esbuild.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['../core/*', '../biotime/*', '../frappe/*', '../cli/*', '../vscode/*', '../sandbox/*', 'node:*'],
          message: 'shared imports nothing from src and no node APIs.',
        },
      ]),
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: [
            '../biotime/*',
            '../frappe/*',
            '../cli/*',
            '../vscode/*',
            '../sandbox/*',
            '../../biotime/*',
            '../../frappe/*',
            '../../cli/*',
            '../../vscode/*',
            '../../sandbox/*',
          ],
          message: 'core depends on shared only.',
        },
      ]),
    },
  },
  {
    files: ['src/biotime/**/*.ts', 'src/frappe/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['../cli/*', '../vscode/*', '../sandbox/*'], message: 'clients depend on core and shared only.' },
      ]),
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['../cli/*', '../vscode/*'],
          message: 'the shared composition root is used by both hosts and imports neither.',
        },
      ]),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([{ group: ['../vscode/*'], message: 'the CLI never touches vscode.' }]),
    },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: [
            '../core/*',
            '../biotime/*',
            '../frappe/*',
            '../cli/*',
            '../vscode/*',
            '../../core/*',
            '../../biotime/*',
            '../../frappe/*',
            '../../cli/*',
            '../../vscode/*',
          ],
          message: 'sandbox servers are written from the API references, never from our client code.',
        },
      ]),
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['../core/*', '../biotime/*', '../frappe/*', '../cli/*', '../vscode/*', '../sandbox/*', 'node:*'],
          message: 'webview code sees only src/shared.',
        },
      ]),
    },
  },
  { files: ['test/unit/**/*.ts'], rules: { 'no-restricted-imports': restrict([]) } },
);
