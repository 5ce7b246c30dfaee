// Every forbidden edge between the folders of src/ is refused by lint, at any folder depth, and the allowed ones
// pass. The files are linted as text under names they would have in the tree; nothing is written.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../../..');
const FOLDERS = ['shared', 'core', 'biotime', 'frappe', 'app', 'cli', 'vscode', 'sandbox', 'webview'];

/** The dependency direction the house style asks for, written out here independently of eslint.config.mjs. */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  core: ['shared'],
  biotime: ['core', 'shared'],
  frappe: ['core', 'shared'],
  app: ['core', 'shared', 'biotime', 'frappe', 'sandbox'],
  cli: ['core', 'shared', 'biotime', 'frappe', 'app', 'sandbox'],
  vscode: ['core', 'shared', 'biotime', 'frappe', 'app', 'sandbox'],
  sandbox: [],
  webview: ['shared'],
};

describe('lint: the layering of src/ is enforced', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: root });

  async function layerErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return result.messages
      .filter((m) => m.ruleId === 'local/layers' || m.ruleId === 'no-restricted-imports')
      .map((m) => m.message);
  }

  for (const from of FOLDERS) {
    it(`src/${from}: forbidden edges are refused at depth 1 and 2, allowed ones pass`, async () => {
      for (const to of FOLDERS.filter((f) => f !== from)) {
        for (const [file, spec] of [
          [`src/${from}/zzLayerProbe.ts`, `../${to}/x`],
          [`src/${from}/deep/zzLayerProbe.ts`, `../../${to}/x`],
          [`src/${from}/deep/er/zzLayerProbe.ts`, `../../../${to}/lib/x`],
        ]) {
          const errors = await layerErrors(file, `import { x } from '${spec}';\nexport const y = x;\n`);
          if (ALLOWED[from].includes(to)) assert.deepEqual(errors, [], `${file} → ${spec} should be allowed`);
          else
            assert.ok(
              errors.some((e) => e.includes(`src/${to}`)),
              `${file} → ${spec} was not refused`,
            );
        }
      }
    });
  }

  it('only src/vscode may import vscode', async () => {
    for (const from of FOLDERS) {
      const errors = await layerErrors(
        `src/${from}/deep/zzLayerProbe.ts`,
        `import * as v from 'vscode';\nexport const y = v;\n`,
      );
      assert.equal(errors.length > 0, from !== 'vscode', `src/${from} importing vscode`);
    }
  });

  it('shared and webview use no Node APIs; nothing in src leaves src', async () => {
    for (const from of ['shared', 'webview']) {
      const errors = await layerErrors(
        `src/${from}/lib/zzLayerProbe.ts`,
        `import * as fs from 'node:fs';\nexport const y = fs;\n`,
      );
      assert.ok(errors.length > 0, `src/${from} importing node:fs`);
    }
    const errors = await layerErrors(
      'src/core/zzLayerProbe.ts',
      `import { x } from '../../test/support/x';\nexport const y = x;\n`,
    );
    assert.ok(errors.some((e) => e.includes('outside src/')));
  });

  it('console is refused in src/', async () => {
    const [result] = await eslint.lintText('console.log(1);\n', {
      filePath: path.join(root, 'src/core/zzLayerProbe.ts'),
    });
    assert.ok(result.messages.some((m) => m.ruleId === 'no-console'));
  });
});
