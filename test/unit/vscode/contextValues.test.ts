import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contextValue, ContextBase, parseContextValue } from '../../../src/vscode/tree/contextValues';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
type MenuItem = { command: string; when: string; group?: string };
const itemMenus: MenuItem[] = pkg.contributes.menus['view/item/context'];

/** Evaluates the `viewItem =~ /…/` parts of a when clause (with || and &&, as our menus use them). */
function matches(when: string, value: string): boolean {
  const expr = when
    .replace(/\(?view == bioSync\.\w+(?: \|\| view == bioSync\.\w+)*\)? && /, '')
    .replace(/viewItem =~ \/((?:\\\/|[^/])+)\//g, (_m, re: string) => String(new RegExp(re).test(value)));
  return Function(`return (${expr});`)() as boolean;
}
function commandsFor(value: string): string[] {
  return [...new Set(itemMenus.filter((m) => matches(m.when, value)).map((m) => m.command))].sort();
}

describe('contextValue grammar and the menus that match it', () => {
  it('builds base+flags in a stable order and parses back', () => {
    assert.strictEqual(
      contextValue(ContextBase.run, { failed: true, dryRun: false, error: true }),
      'bioSync.run+error+failed',
    );
    assert.strictEqual(contextValue(ContextBase.device), 'bioSync.device');
    const parsed = parseContextValue('bioSync.failedPunch+retryable+unknownEmployee');
    assert.strictEqual(parsed.base, 'bioSync.failedPunch');
    assert.ok(parsed.flags.has('unknownEmployee'));
  });

  it('an enabled device with failures gets sync, rerun and disable; a disabled one gets enable', () => {
    const enabled = commandsFor(contextValue(ContextBase.device, { enabled: true, failed: true }));
    for (const c of [
      'bioSync.syncNow',
      'bioSync.previewSync',
      'bioSync.rerunFailed',
      'bioSync.disableDevice',
      'bioSync.removeDevice',
      'bioSync.testConnection',
      'bioSync.copyAsJson',
    ])
      assert.ok(enabled.includes(c), c);
    assert.ok(!enabled.includes('bioSync.enableDevice'));
    const disabled = commandsFor(contextValue(ContextBase.device, { disabled: true }));
    assert.ok(disabled.includes('bioSync.enableDevice'));
    assert.ok(!disabled.includes('bioSync.disableDevice'));
    assert.ok(!disabled.includes('bioSync.rerunFailed'), 'no failures, no rerun');
  });

  it('a device not scheduled here offers to sync it here; one scheduled here offers to stop', () => {
    const notHere = commandsFor(contextValue(ContextBase.device, { enabled: true, notRunnerHere: true }));
    assert.ok(notHere.includes('bioSync.runHere'));
    assert.ok(!notHere.includes('bioSync.stopRunningHere'));
    const here = commandsFor(contextValue(ContextBase.device, { enabled: true, runnerHere: true }));
    assert.ok(here.includes('bioSync.stopRunningHere'));
    assert.ok(!here.includes('bioSync.runHere'));
  });

  it('runs, failed groups and punches get the actions that belong to them', () => {
    assert.deepStrictEqual(commandsFor(contextValue(ContextBase.run)), [
      'bioSync.copyAsJson',
      'bioSync.openInFrappe',
      'bioSync.showMapping',
    ]);
    assert.ok(commandsFor(contextValue(ContextBase.run, { failed: true })).includes('bioSync.rerunFailed'));
    // A removed device's run keeps its history but offers no rerun (issue 12 E13).
    assert.ok(
      !commandsFor(contextValue(ContextBase.run, { failed: true, removed: true })).includes('bioSync.rerunFailed'),
    );
    assert.deepStrictEqual(commandsFor(contextValue(ContextBase.failedGroup, { failed: true })), [
      'bioSync.openInFrappe',
      'bioSync.rerunFailed',
      'bioSync.showMapping',
    ]);
    const unknown = commandsFor(contextValue(ContextBase.failedPunch, { retryable: true, unknownEmployee: true }));
    assert.deepStrictEqual(unknown, [
      'bioSync.copyAsJson',
      'bioSync.dismissPunch',
      'bioSync.linkEmployee',
      'bioSync.openInFrappe',
      'bioSync.rerunPunch',
    ]);
    const resolved = commandsFor(contextValue(ContextBase.failedPunch, { employee: true }));
    assert.deepStrictEqual(resolved, ['bioSync.copyAsJson', 'bioSync.openInFrappe']);
    assert.deepStrictEqual(commandsFor(contextValue(ContextBase.status)), []);
  });

  it('a base value never matches another kind (bioSync.run vs bioSync.device)', () => {
    assert.ok(!commandsFor('bioSync.run+failed').includes('bioSync.syncNow'));
    assert.ok(!commandsFor('bioSync.failedGroup+failed').includes('bioSync.linkEmployee'));
  });
});
