import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, nothingConfigured, render } from './helpers';

export function activationTests(): void {
  suite('activation', () => {
    suiteSetup(nothingConfigured);

    test('activates on startup and exposes its parts', async () => {
      const a = await api();
      assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
      assert.ok(a.stateDir.endsWith('state'), a.stateDir);
    });

    test('with nothing configured the Devices view is empty so its welcome view shows', async () => {
      const a = await api();
      assert.strictEqual(a.host.state.kind, 'unconfigured');
      assert.deepStrictEqual(await render(a.trees.devices), []);
      assert.deepStrictEqual(await render(a.trees.runs), []);
    });

    test('contributes the views, the settings and a category on every command', () => {
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
        contributes: {
          views: Record<string, { id: string }[]>;
          commands: { command: string; category: string }[];
          configuration: { properties: Record<string, unknown> };
        };
      };
      assert.deepStrictEqual(
        pkg.contributes.views.bioSync.map((v) => v.id),
        ['bioSync.devices', 'bioSync.runs', 'bioSync.failed'],
      );
      assert.ok(pkg.contributes.commands.every((c) => c.category === 'BioTime Sync'));
      for (const key of [
        'bioSync.sites',
        'bioSync.devices',
        'bioSync.scheduler.enabled',
        'bioSync.notifications.consecutiveFailures',
      ])
        assert.ok(pkg.contributes.configuration.properties[key], key);
    });
  });
}
