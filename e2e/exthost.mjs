// Runs the extension-host mocha suite (dist/test/integration.js) inside code-server's real Node extension host:
// the `payload` URL parameter (extensionDevelopmentPath + extensionTestsPath) is honoured in smoke-test mode, the
// suite's output arrives through codeAutomationLog and its exit code through codeAutomationExit.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { format } from 'node:util';
import { patientWaits } from './waits.mjs';

const BASE = process.env.VSCODE_URL;
const EXT = process.env.EXT_DEV_PATH;
const TESTS = process.env.EXT_TESTS_PATH;
const FOLDER = process.env.WS_FOLDER;
const TIMEOUT = Number(process.env.EXT_TESTS_TIMEOUT_MS || 600000);
const NOISE =
  /^(%c \S+ color: #\w+ )?(Resolving connection|Resolved connection|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate|\[ChatModelSelection|Ignoring fetching additional builtin)/;
const t0 = Date.now();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
const page = await browser.newPage();
// The workbench's own console (webview and service-worker errors show only there), kept for a failed run.
const consoleLog = fs.createWriteStream(`${process.env.FAIL_DIR || '.'}/exthost-browser-console.log`);
page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
patientWaits(page, Number(process.env.E2E_TIMEOUT_SCALE || 3));
const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
let summary;
await page.exposeFunction('codeAutomationLog', (type, args) => {
  // The workbench's own stack traces (e.g. dialogs refused in smoke-test mode) are noise here.
  const line = format(...args)
    .split('\n')
    .filter((l) => !/^\s+at .*\/static\/out\//.test(l))
    .join('\n');
  if (/^\d+ passed, \d+ failed$/.test(line.trim())) summary = line.trim();
  else if (!NOISE.test(line) && !line.startsWith('Canceled') && !line.startsWith('SettingsEditor2:')) console.log(line);
});
const authority = new URL(BASE).host; // code-server's remote authority is the page's host:port
const payload = JSON.stringify([
  ['extensionDevelopmentPath', `vscode-remote://${authority}${EXT}`],
  ['extensionTestsPath', `vscode-remote://${authority}${TESTS}`],
]);
await page.goto(`${BASE}/?folder=${encodeURIComponent(FOLDER)}&payload=${encodeURIComponent(payload)}`);
const code = await Promise.race([done, new Promise((r) => setTimeout(() => r('timeout'), TIMEOUT))]);
if (code === 'timeout')
  console.log(`gave up after ${TIMEOUT / 1000} s waiting for the extension-host suite to report its exit code`);
console.log(`extension-host tests exit code: ${code} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
await browser.close();
console.log(summary ?? (code === 0 ? '0 passed, 0 failed' : '0 passed, 1 failed'));
process.exit(code === 0 ? 0 : 1);
