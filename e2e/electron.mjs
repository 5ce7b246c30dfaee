// npm run test:electron — the extension-host suite (dist/test/integration.js) in a desktop VS Code that
// @vscode/test-electron downloads (settings in .vscode-test.mjs). Needs access to update.code.visualstudio.com;
// where that is blocked, use `npm run test:e2e` (code-server). Prints `N passed, N failed` last.
import { runTests } from '@vscode/test-electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import config from '../.vscode-test.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'biosync-electron-ws-'));
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'biosync-electron-ud-'));
try {
  await runTests({
    version: config.version,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, config.extensionTestsPath),
    launchArgs: [workspace, `--user-data-dir=${userData}`, ...config.launchArgs],
    timeout: config.timeoutMs,
  });
  // The suite prints its own `N passed, N failed` line from inside the extension host.
} catch (e) {
  const reason = String(e?.message ?? e);
  console.error(
    /ENOTFOUND|getaddrinfo|download/i.test(reason)
      ? `Could not download VS Code (${reason}). On machines without access to update.code.visualstudio.com run: npm run test:e2e`
      : reason,
  );
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(userData, { recursive: true, force: true });
}
