// Lint rules that keep the layering honest (docs/reference/style.md §1 and §3): dependencies flow
// shared <- core <- biotime/frappe <- app <- cli/vscode, the webview sees only shared, and the sandbox
// servers never see the clients they are meant to test. The layering rule resolves each import against the
// importing file (scripts/eslint-rules/layers.mjs), so it holds at any folder depth; test/unit/lint/layers.test.ts
// proves that every forbidden edge is refused.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslint-rules/layers.mjs';

const root = import.meta.dirname;
const noVscode = { name: 'vscode', message: 'Only src/vscode may import vscode: the engine must run headless.' };

/** Which folders of src/ each folder may import (besides itself). */
export const layers = {
  shared: { allow: [], noNode: true, message: 'shared imports nothing from src and no Node APIs.' },
  core: { allow: ['shared'], message: 'core depends on shared only.' },
  biotime: { allow: ['core', 'shared'], message: 'the BioTime client depends on core and shared only.' },
  frappe: { allow: ['core', 'shared'], message: 'the Frappe client depends on core and shared only.' },
  app: {
    allow: ['core', 'shared', 'biotime', 'frappe', 'sandbox'],
    message: 'the shared composition root is used by both hosts and imports neither.',
  },
  cli: { allow: ['core', 'shared', 'biotime', 'frappe', 'app', 'sandbox'], message: 'the CLI never touches vscode.' },
  vscode: {
    allow: ['core', 'shared', 'biotime', 'frappe', 'app', 'sandbox'],
    message: 'the extension does not reach into the CLI.',
  },
  sandbox: {
    allow: [],
    message: 'sandbox servers are written from the API references, never from our client code.',
  },
  webview: { allow: ['shared'], noNode: true, message: 'webview code sees only src/shared.' },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.e2e-out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { local: layersPlugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // The extension logs through its LogOutputChannel and the CLI through its output module: a stray
      // console call would bypass redaction.
      'no-console': 'error',
      'local/layers': ['error', { root, layers }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Playwright evaluates some of these functions in the page.
    files: ['e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
