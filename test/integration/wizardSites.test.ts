// Issue 12, the rest: a stopped sandbox device is not attempted by the scheduler; Frappe sites are named by the
// operator and can be removed with their keys; Edit Device can change one setting. Real extension host, sandbox
// servers on loopback; modal questions answered through the extension's Dialogs.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { secretKeys } from '../../src/vscode/adapters/secretStorageCredentials';
import type { BioSyncTestApi } from '../../src/vscode/extension';
import { config, freshSandbox, setSetting, waitFor } from './helpers';

type Entry = Record<string, unknown> & { id: string };

export function wizardSitesTests(): void {
  suite('issue 12: stopped sandbox, Frappe sites, one-setting edits', () => {
    let a: BioSyncTestApi;
    let devices: Entry[];
    let live: Entry;
    let sites: Entry[];
    let ask: BioSyncTestApi['dialogs']['ask'];

    suiteSetup(async () => {
      // Its own sandbox: the suite must not depend on one an earlier suite left running.
      const fresh = await freshSandbox();
      a = fresh.a;
      ask = a.dialogs.ask;
      devices = config().get<Entry[]>('devices')!;
      sites = config().get<Entry[]>('sites')!;
      live = devices.find((d) => d.id === fresh.deviceId)!;
      assert.ok(
        live && a.host.scheduledHere(live.id),
        `the running sandbox device in ${devices.map((d) => d.id).join(', ')}`,
      );
    });

    teardown(async () => {
      a.dialogs.ask = ask;
      await setSetting('devices', devices);
      await setSetting('sites', sites);
    });

    test('E8: the scheduler does not attempt a sandbox device whose servers stopped (after a reload)', async () => {
      await setSetting('devices', [...devices, { ...live, id: 'sandbox-gone12', url: 'http://127.0.0.1:9' }]);
      await waitFor('the stopped sandbox device in the engine', () =>
        a.host.state.kind === 'ready' && a.host.state.config.devices.some((d) => d.id === 'sandbox-gone12')
          ? true
          : undefined,
      );
      // The engine restarted with the new settings; wait for its scheduler's first pass, then for it to settle.
      await waitFor('a scheduler pass', () => (a.host.hasScheduledRun(live.id) ? true : undefined));
      await a.host.whenSchedulerIdle();
      assert.strictEqual(a.host.hasScheduledRun('sandbox-gone12'), false, 'the stopped sandbox device has no next run');
      assert.deepStrictEqual(await a.host.requireEngine().listRuns('sandbox-gone12', 1), [], 'no run was attempted');
      assert.ok(a.host.scheduledHere(live.id), 'the running sandbox device is still scheduled');
      assert.strictEqual(a.host.scheduledHere('sandbox-gone12'), false);
    });

    test('Remove Frappe Site… refuses a site devices still use, and removes an unused one with its keys', async () => {
      const asked: { level: string; message: string; detail: string }[] = [];
      a.dialogs.ask = async (level, message, detail, ...buttons) => {
        asked.push({ level, message, detail });
        return buttons.includes('Remove') ? 'Remove' : undefined;
      };
      const used = String(live.site);
      assert.strictEqual(await vscode.commands.executeCommand('bioSync.removeSite', used), 'inUse');
      assert.match(asked[0].message, new RegExp(`"${used}" is still used by 1 device\\(s\\); it was not removed`));
      assert.match(asked[0].detail, /Edit Device…|Remove Device…/);
      assert.ok(
        config()
          .get<Entry[]>('sites')!
          .some((s) => s.id === used),
        'the used site is still configured',
      );

      const spare = { ...sites.find((s) => s.id === used)!, id: 'spare12' };
      await setSetting('sites', [...sites, spare]);
      await a.secrets.store(secretKeys.frappeApiKey('spare12'), 'spare-key-12');
      await a.secrets.store(secretKeys.frappeApiSecret('spare12'), 'spare-secret-12');
      assert.strictEqual(await vscode.commands.executeCommand('bioSync.removeSite', 'spare12'), 'removed');
      assert.match(asked[1].message, /Remove Frappe site "spare12"\?/);
      assert.ok(
        !config()
          .get<Entry[]>('sites')!
          .some((s) => s.id === 'spare12'),
        'the site left the settings',
      );
      assert.strictEqual(await a.secrets.get(secretKeys.frappeApiKey('spare12')), undefined);
      assert.strictEqual(await a.secrets.get(secretKeys.frappeApiSecret('spare12')), undefined);
      assert.strictEqual(await vscode.commands.executeCommand('bioSync.removeSite', 'spare12'), 'unknown');
    });
  });
}
