import * as assert from 'node:assert';
import { api, nothingConfigured, render, setSetting, waitFor } from './helpers';

export function settingsTests(): void {
  suite('settings validation', () => {
    suiteSetup(nothingConfigured);
    teardown(async () => {
      await setSetting('devices', undefined);
      await setSetting('sites', undefined);
    });

    test('a hand edit with a bad value is named by key in the tree, and fixing it recovers', async () => {
      const a = await api();
      await setSetting('sites', [{ id: 'main', url: 'https://hr.example.invalid' }]);
      await setSetting('devices', [
        {
          id: 'hq',
          name: 'HQ',
          url: 'http://biotime.example.invalid:8081',
          username: 'api',
          site: 'main',
          intervalMinutes: 0,
        },
      ]);
      const state = await waitFor('invalid settings', () =>
        a.host.state.kind === 'invalid' ? a.host.state : undefined,
      );
      const keys = state.issues.map((i) => i.key);
      assert.ok(keys.includes('bioSync.devices[0].intervalMinutes'), keys.join(', '));
      const roots = await render(a.trees.devices);
      assert.match(roots[0].label, /Settings have \d+ problem/);
      assert.ok(
        roots.some((r) => r.label === 'bioSync.devices[0].intervalMinutes' && /1/.test(r.description)),
        JSON.stringify(roots.map((r) => [r.label, r.description])),
      );

      await setSetting('devices', [
        {
          id: 'hq',
          name: 'HQ',
          url: 'http://biotime.example.invalid:8081',
          username: 'api',
          site: 'main',
          intervalMinutes: 5,
          enabled: false,
        },
      ]);
      await waitFor('valid settings', () => a.host.state.kind === 'ready');
      const devices = await render(a.trees.devices);
      assert.ok(
        devices.some((d) => d.label === 'HQ' && /\+disabled\b/.test(d.contextValue)),
        JSON.stringify(devices.map((d) => d.contextValue)),
      );
    });

    test('a device naming a site that does not exist is reported', async () => {
      const a = await api();
      await setSetting('devices', [
        { id: 'hq', url: 'http://biotime.example.invalid', username: 'api', site: 'nowhere' },
      ]);
      const state = await waitFor('invalid settings', () =>
        a.host.state.kind === 'invalid' ? a.host.state : undefined,
      );
      assert.ok(
        state.issues.some((i) => i.key.startsWith('bioSync.devices[0]') && /nowhere|site/i.test(i.message)),
        JSON.stringify(state.issues),
      );
    });
  });
}
