// The extension-host test module (extensionTestsPath): mocha inside the real Node extension host, either in
// code-server (npm run test:e2e) or in a downloaded desktop VS Code (npm run test:electron). Bundled by esbuild to
// dist/test/integration.js with mocha and vscode external. Prints `N passed, N failed` last.
import Mocha from 'mocha';
import { activationTests } from './activation.test';
import { commandTests } from './commands.test';
import { lockTests } from './lock.test';
import { overviewTests } from './overview.test';
import { secretsTests } from './secrets.test';
import { settingsTests } from './settings.test';
import { truthTests } from './truth.test';
import { wizardSitesTests } from './wizardSites.test';

export function run(): Promise<void> {
  // BIOSYNC_TEST_GREP (a regular expression on full test titles) runs part of the suite, e.g. one suite alone to show
  // it does not depend on what an earlier one left behind: BIOSYNC_TEST_GREP='^issue 15' E2E_ONLY=exthost npm run test:e2e
  const grep = process.env.BIOSYNC_TEST_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  // Each suite sets up what it needs (helpers.ts: nothingConfigured, freshSandbox), so any one can run alone; the
  // order below only keeps the cheap suites first.
  activationTests();
  secretsTests();
  settingsTests();
  commandTests();
  lockTests();
  truthTests();
  wizardSitesTests();
  overviewTests();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0 } = runner.stats ?? {};
      console.log(`${passes} passed, ${failures} failed`);
      if (failures) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
