// Issue 15, the overview of many sites in the real extension host: devices grouped by site, runs by device with
// quiet stretches folded, the status bar's reasons, the Failed Punches list with its filter and CSV export, the
// Reset Cursor confirmation, and the console panels' serializers.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { failedCsv } from '../../src/core/csv';
import type { BioSyncTestApi } from '../../src/vscode/extension';
import { config, freshSandbox, render, setSetting, waitFor } from './helpers';

type Entry = Record<string, unknown> & { id: string };

export function overviewTests(): void {
  suite('issue 15: overview of many sites', () => {
    let a: BioSyncTestApi;
    let deviceId: string;
    let sites: Entry[];
    let devices: Entry[];

    suiteSetup(async () => {
      ({ a, deviceId } = await freshSandbox());
      sites = config().get<Entry[]>('sites')!;
      devices = config().get<Entry[]>('devices')!;
    });

    suiteTeardown(async () => {
      await setSetting('devices', devices);
      await setSetting('sites', sites);
      await setSetting('runs.groupByDevice', undefined);
      await setSetting('tree.groupBySite', undefined);
    });

    /** A second site, north-15, with a device north-gate (no password stored), as the demo's copies; the demo's site. */
    async function addNorthSite(): Promise<string> {
      const demoDevice = devices.find((d) => d.id === deviceId)!;
      const demoSite = sites.find((s) => s.id === demoDevice.site)!;
      await setSetting('sites', [...sites, { ...demoSite, id: 'north-15' }]);
      await setSetting('devices', [
        ...devices,
        { ...demoDevice, id: 'north-gate', name: 'North gate', site: 'north-15', intervalMinutes: 60 },
      ]);
      await waitFor('two sites', () =>
        a.host.state.kind === 'ready' && a.host.state.config.devices.some((d) => d.id === 'north-gate')
          ? true
          : undefined,
      );
      return String(demoSite.id);
    }

    test('devices of two sites sit under their site; the status bar counts the device needing attention and says why', async () => {
      // A second site and a device on it with no password stored: it fails, and needs the operator.
      const demoSite = await addNorthSite();
      await vscode.commands.executeCommand('bioSync.syncNow', 'north-gate');
      await waitFor('the north gate failing (no password stored)', async () =>
        (await a.host.requireEngine().status()).find((s) => s.deviceId === 'north-gate')?.health === 'error'
          ? true
          : undefined,
      );
      a.model.invalidate();
      const roots = await render(a.trees.devices);
      const siteRows = roots.filter((r) => r.contextValue.startsWith('bioSync.site'));
      assert.deepStrictEqual(
        siteRows.map((r) => r.label),
        [demoSite, 'north-15'],
        JSON.stringify(roots.map((r) => r.label)),
      );
      const north = siteRows[1];
      assert.match(north.description, /^1 device · 1 failing/, north.description);
      assert.match(north.contextValue, /\+attention\b/);
      const northDevices = await render(a.trees.devices, north.node);
      assert.deepStrictEqual(
        northDevices.map((d) => d.label),
        ['North gate'],
      );
      assert.match(northDevices[0].description, /failing/);
      const demoDevices = await render(a.trees.devices, siteRows[0].node);
      assert.ok(demoDevices.some((d) => d.node.ref?.deviceId === deviceId));

      a.statusBar.update();
      await a.statusBar.settled();
      const bar = a.statusBar.shown;
      assert.match(bar.text, /^\$\(error\) BioTime: 1 failing · 2 devices need attention · \d+ failed punch/, bar.text);
      assert.match(bar.tooltip, /Needs attention:\n(.*\n)*• North gate: failing: /, bar.tooltip);
      assert.match(bar.tooltip, /failed punch(es)? waiting/);
      assert.strictEqual(bar.command, 'bioSync.showFailedPunches');

      await setSetting('tree.groupBySite', false);
      a.model.invalidate();
      const flat = await render(a.trees.devices);
      assert.ok(!flat.some((r) => r.contextValue.startsWith('bioSync.site')));
      assert.ok(flat.some((r) => r.node.ref?.deviceId === 'north-gate'));
      await setSetting('tree.groupBySite', undefined);

      await setSetting('devices', devices);
      await setSetting('sites', sites);
      await waitFor('one site again', () =>
        a.host.state.kind === 'ready' && !a.host.state.config.devices.some((d) => d.id === 'north-gate')
          ? true
          : undefined,
      );
      a.model.invalidate();
      const one = await render(a.trees.devices);
      assert.ok(!one.some((r) => r.contextValue.startsWith('bioSync.site')), 'one site: no site level');
      assert.ok(one.some((r) => r.node.ref?.deviceId === deviceId));
    });

    test('Show Dashboard: without a site all sites; from a site node that site only, kept when its tab shows again', async () => {
      const demoSite = await addNorthSite();
      const panels = a.consolePanels;
      // The report the page draws next: its heading is "Operations dashboard — <site ?? 'all sites'>".
      const latest = () => panels.reports[panels.reports.length - 1];
      const nextReport = (what: string) => {
        const before = latest();
        return () => waitFor(what, () => (latest() !== before ? latest() : undefined));
      };
      const totalPunches = (r: { report: { totals: Record<string, number> } }) =>
        Object.values(r.report.totals).reduce((x, y) => x + y, 0);
      let other: vscode.TextDocument | undefined;
      try {
        panels.open.dashboard?.dispose();
        let report = nextReport('the all-sites report');
        await vscode.commands.executeCommand('bioSync.showDashboard');
        const all = await report();
        assert.strictEqual(all.site, null);
        assert.deepStrictEqual(all.sites, [demoSite, 'north-15']);
        // Every device with a history is listed (earlier suites' devices too, when the whole suite runs).
        const bothSites = (ids: string[]) => [deviceId, 'north-gate'].every((id) => ids.includes(id));
        assert.ok(bothSites(all.report.devices.map((d) => d.deviceId)), JSON.stringify(all.report.devices));
        assert.ok(all.report.totals.created > 0, JSON.stringify(all.report.totals));

        a.model.invalidate();
        const north = (await render(a.trees.devices)).find(
          (r) => r.contextValue.startsWith('bioSync.site') && r.label === 'north-15',
        );
        assert.ok(north, 'the north-15 site node');
        report = nextReport('the north-15 report');
        await vscode.commands.executeCommand('bioSync.showDashboard', north.node);
        const one = await report();
        const panel = panels.open.dashboard!;
        assert.strictEqual(one.site, 'north-15');
        assert.strictEqual(one.report.site, 'north-15');
        assert.deepStrictEqual(
          one.report.devices.map((d) => [d.deviceId, d.site]),
          [['north-gate', 'north-15']],
        );
        // The demo site's punches are not counted in north-15's figures, nor its Shift Types listed.
        assert.strictEqual(totalPunches(one), 0, JSON.stringify(one.report.totals));
        assert.ok(one.report.terminals.length === 0, JSON.stringify(one.report.terminals));
        assert.deepStrictEqual(
          one.shiftHistory.map((s) => s.site),
          ['north-15'],
        );
        assert.ok(one.report.shiftTypes.every((s) => s.site === 'north-15'));

        // Another editor over the dashboard, then the dashboard's tab again: a hidden webview's page is not kept
        // (retainContextWhenHidden is off), so the page is built anew and must still show north-15, not all sites.
        other = await vscode.workspace.openTextDocument({ content: 'another editor' });
        await vscode.window.showTextDocument(other, { viewColumn: panel.viewColumn, preview: false });
        await waitFor('the dashboard hidden', () => (!panel.visible ? true : undefined));
        report = nextReport('the report of the page built again');
        panel.reveal();
        const again = await report();
        assert.strictEqual(again.site, 'north-15');
        assert.deepStrictEqual(
          again.report.devices.map((d) => d.deviceId),
          ['north-gate'],
        );

        // From the palette again: all sites, as the command says, not the one site the open panel shows.
        report = nextReport('the all-sites report after a site');
        await vscode.commands.executeCommand('bioSync.showDashboard');
        const back = await report();
        assert.strictEqual(back.site, null);
        assert.ok(bothSites(back.report.devices.map((d) => d.deviceId)), JSON.stringify(back.report.devices));
      } finally {
        panels.open.dashboard?.dispose();
        if (other) {
          const tabs = vscode.window.tabGroups.all
            .flatMap((g) => g.tabs)
            .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === other!.uri.toString());
          await vscode.window.tabGroups.close(tabs, true);
        }
        await setSetting('devices', devices);
        await setSetting('sites', sites);
      }
    });

    test('runs sit under their device, runs with nothing new fold into one line, and the flat list stays an option', async () => {
      // Two more runs of the demo device: BioTime has nothing new for them.
      for (let i = 0; i < 2; i++) await vscode.commands.executeCommand('bioSync.syncNow', deviceId);
      a.model.invalidate();
      const roots = await render(a.trees.runs);
      const device = roots.find((r) => r.node.ref?.deviceId === deviceId)!;
      assert.ok(device && device.contextValue.startsWith('bioSync.device'), JSON.stringify(roots.map((r) => r.label)));
      const under = await render(a.trees.runs, device.node);
      const quiet = under.find((r) => r.contextValue === 'bioSync.quietRuns')!;
      assert.ok(quiet, JSON.stringify(under.map((r) => r.label)));
      assert.match(quiet.label, /^\d+ runs with nothing new, \d\d:\d\d–\d\d:\d\d$/);
      const folded = await render(a.trees.runs, quiet.node);
      assert.strictEqual(folded.length, Number(quiet.label.split(' ')[0]));
      assert.ok(folded.every((r) => /nothing new/.test(r.description)));

      await vscode.commands.executeCommand('bioSync.showRunsFlat');
      await waitFor('the flat list', async () => {
        a.model.invalidate();
        const rows = await render(a.trees.runs);
        return rows.some((r) => r.contextValue.startsWith('bioSync.run')) ? true : undefined;
      });
      await vscode.commands.executeCommand('bioSync.showRunsByDevice');
      assert.strictEqual(config().get('runs.groupByDevice'), true);
    });

    test('one list of failed punches across devices, filtered, exported as the CLI writes it', async () => {
      const engine = a.host.requireEngine();
      const all = await engine.listFailed();
      assert.ok(all.length >= 2, `${all.length} failed punches`);
      a.model.invalidate();
      const rows = await render(a.trees.failed);
      assert.strictEqual(rows.length, all.length);
      assert.ok(rows.every((r) => r.contextValue.startsWith('bioSync.failedPunch')));

      const reason = all[0].failure;
      await vscode.commands.executeCommand('bioSync.filterFailed', { reason });
      const filtered = await render(a.trees.failed);
      const expected = all.filter((f) => f.failure === reason);
      assert.strictEqual(filtered.length, expected.length);
      assert.strictEqual(a.trees.failed.filterDescription, `reason ${reason}`);

      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bts-csv-')), 'failed.csv');
      const saveFile = a.dialogs.saveFile;
      a.dialogs.saveFile = () => Promise.resolve(vscode.Uri.file(file));
      try {
        const written = await vscode.commands.executeCommand<string>('bioSync.exportFailedCsv');
        assert.strictEqual(written, file);
      } finally {
        a.dialogs.saveFile = saveFile;
      }
      const text = fs.readFileSync(file, 'utf8');
      const sorted = [...expected].sort(
        (x, y) => y.punchTime.localeCompare(x.punchTime) || x.deviceId.localeCompare(y.deviceId),
      );
      assert.strictEqual(text, failedCsv(sorted) + '\r\n');
      assert.match(text.split('\r\n')[0], /^device,punch,transaction_id,emp_code,name,punch_time,upload_time,terminal/);

      await vscode.commands.executeCommand('bioSync.filterFailed', { device: 'no-such-device' });
      const none = await render(a.trees.failed);
      assert.strictEqual(none.length, 1);
      assert.match(none[0].label, /No failed punch matches the filter \(device no-such-device\)/);
      await vscode.commands.executeCommand('bioSync.clearFailedFilter');
      assert.strictEqual((await render(a.trees.failed)).length, all.length);
    });

    test('Reset Cursor… from the device node says what it will read again, and resets only when confirmed', async () => {
      const engine = a.host.requireEngine();
      await waitFor('no run in flight', () => (!engine.isRunning(deviceId) ? true : undefined));
      const before = (await engine.status()).find((s) => s.deviceId === deviceId)!.cursor;
      assert.ok(before !== null);
      const asked: string[] = [];
      const ask = a.dialogs.ask;
      a.model.invalidate();
      const node = (await render(a.trees.devices)).find((r) => r.node.ref?.deviceId === deviceId)!.node;
      try {
        a.dialogs.ask = (_level, message, detail) => {
          asked.push(`${message}\n${detail}`);
          return Promise.resolve(undefined);
        };
        await vscode.commands.executeCommand('bioSync.resetCursor', node);
        assert.strictEqual(asked.length, 1, 'the device node names the device: no pick');
        assert.match(asked[0], new RegExp(`has read BioTime up to transaction ${before}\\.`));
        assert.match(asked[0], /The next run reads every transaction .* again, including those up to transaction/);
        assert.match(asked[0], /nothing is created twice/);
        assert.strictEqual((await engine.status()).find((s) => s.deviceId === deviceId)!.cursor, before);
      } finally {
        a.dialogs.ask = ask;
      }
    });

    test('the Dashboard and History panels are restored by their serializers after a reload', async () => {
      for (const viewType of ['bioSync.dashboard', 'bioSync.history'])
        assert.throws(
          () => vscode.window.registerWebviewPanelSerializer(viewType, { deserializeWebviewPanel: async () => {} }),
          /already registered/,
          viewType,
        );
      // What VS Code hands the serializer after a reload: a bare panel of that type, restored into a live dashboard.
      a.consolePanels.open.dashboard?.dispose();
      const panel = vscode.window.createWebviewPanel(
        'bioSync.dashboard',
        'BioTime Sync Dashboard',
        vscode.ViewColumn.One,
      );
      const mark = a.consolePanels.posted.length;
      a.consolePanels.restore('dashboard', panel);
      assert.strictEqual(a.consolePanels.open.dashboard, panel);
      assert.match(panel.webview.html, /dashboard\.js/);
      await waitFor('the restored page asks for its report', () =>
        a.consolePanels.posted.slice(mark).includes('dashboard:report') ? true : undefined,
      );
      const history = vscode.window.createWebviewPanel('bioSync.history', 'Punch History', vscode.ViewColumn.One);
      a.consolePanels.open.history?.dispose();
      a.consolePanels.restore('history', history);
      await waitFor('the restored history page starts', () =>
        a.consolePanels.posted.slice(mark).includes('history:init') ? true : undefined,
      );
      panel.dispose();
      history.dispose();
      assert.strictEqual(a.consolePanels.open.dashboard, undefined);
    });
  });
}
