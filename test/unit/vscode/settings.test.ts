import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clampInt, toSettingsIssues, toUiSettings } from '../../../src/vscode/adapters/settingsMapping';
import { historyDaysSetting, settingsItemSchemas } from '../../../src/vscode/adapters/settingsSchema';

describe('settings → engine config', () => {
  it('names the engine issues by their settings key and owner', () => {
    const raw = { sites: [{ id: 'main' }], devices: [{ id: 'hq' }, { name: 'no id' }] };
    const issues = toSettingsIssues(
      [
        { key: 'devices[0].intervalMinutes', message: 'expected an integer from 1 to 1440, got 0' },
        { key: 'devices[1].id', message: 'required' },
        { key: 'sites[0].url', message: 'required' },
        { key: '(root)', message: 'odd' },
      ],
      raw,
    );
    assert.deepStrictEqual(issues, [
      {
        key: 'bioSync.devices[0].intervalMinutes',
        message: 'expected an integer from 1 to 1440, got 0',
        ownerId: 'hq',
        ownerKind: 'device',
      },
      { key: 'bioSync.devices[1].id', message: 'required', ownerId: undefined, ownerKind: 'device' },
      { key: 'bioSync.sites[0].url', message: 'required', ownerId: 'main', ownerKind: 'site' },
      { key: 'bioSync.(root)', message: 'odd' },
    ]);
  });

  it('clamps the scalar settings', () => {
    assert.strictEqual(clampInt(0, 1, 50, 5), 1);
    assert.strictEqual(clampInt('7', 1, 50, 5), 5);
    assert.strictEqual(clampInt(7.6, 1, 50, 5), 8);
    const values: Record<string, unknown> = {
      'scheduler.enabled': false,
      'notifications.consecutiveFailures': 0,
      'mapping.pageSize': 10_000,
    };
    assert.deepStrictEqual(
      toUiSettings((k) => values[k]),
      {
        schedulerEnabled: false,
        failureThreshold: 1,
        recentRuns: 5,
        runsLimit: 30,
        mappingPageSize: 2000,
        groupBySite: true,
        runsGroupByDevice: true,
      },
    );
  });

  it('package.json settings schema is the one generated from the engine config schema (npx tsx scripts/genSettingsSchema.ts)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    const { site, device } = settingsItemSchemas();
    assert.deepStrictEqual(props['bioSync.sites'].items, JSON.parse(JSON.stringify(site)));
    assert.deepStrictEqual(props['bioSync.devices'].items, JSON.parse(JSON.stringify(device)));
    assert.deepStrictEqual(props['bioSync.historyDays'], JSON.parse(JSON.stringify(historyDaysSetting())));
    assert.ok(
      !JSON.stringify(props).includes('BIOTIME_PASSWORD_'),
      'settings speak of the keychain, not environment variables',
    );
    for (const [key, p] of Object.entries<Record<string, unknown>>(props)) {
      assert.ok(p.markdownDescription, `${key} has a markdownDescription`);
      assert.ok('default' in p, `${key} has a default`);
    }
  });
});
