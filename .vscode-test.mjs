// Configuration of `npm run test:electron` (e2e/electron.mjs): the extension-host mocha suite in a desktop VS Code
// downloaded by @vscode/test-electron. The same suite runs in code-server with `npm run test:e2e` on machines that
// cannot download VS Code.
export default {
  /** VS Code version to download: 'stable', 'insiders' or e.g. '1.90.0' (the engines minimum). */
  version: process.env.VSCODE_TEST_VERSION || 'stable',
  /** The bundled suite (esbuild: test/integration/index.ts → dist/test/integration.js). */
  extensionTestsPath: 'dist/test/integration.js',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  timeoutMs: 300_000,
};
