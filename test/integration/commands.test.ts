import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { DoctorCheck, RunSummary } from '../../src/shared/model';
import {
  api,
  EXTENSION_ID,
  freshSandbox,
  nothingConfigured,
  render,
  renderRuns,
  runDismissing,
  setSetting,
  waitFor,
  type SandboxDemo,
} from './helpers';

export function commandTests(): void {
  suite('commands', () => {
    suiteSetup(nothingConfigured);

    test('every contributed command is registered, and every registered bioSync command is contributed', async () => {
      await api();
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
        contributes: { commands: { command: string }[] };
      };
      const contributed = pkg.contributes.commands.map((c) => c.command);
      // VS Code adds <viewId>.focus / .open / … for every contributed view; those are not ours to declare.
      const registered = (await vscode.commands.getCommands(true)).filter(
        (c) => c.startsWith('bioSync.') && !/^bioSync\.(devices|runs|failed)\./.test(c),
      );
      assert.deepStrictEqual(
        contributed.filter((c) => !registered.includes(c)),
        [],
      );
      assert.deepStrictEqual(
        registered.filter((c) => !contributed.includes(c)),
        [],
      );
    });

    test('with nothing configured, commands that need a device explain instead of failing', async () => {
      for (const id of [
        'bioSync.syncNow',
        'bioSync.syncAll',
        'bioSync.testConnection',
        'bioSync.rerunFailed',
        'bioSync.previewSync',
      ]) {
        assert.strictEqual(await runDismissing(id), undefined, id);
      }
    });
  });

  suite('commands on the sandbox', () => {
    let demo: SandboxDemo;
    let deviceId: string;

    // bioSync.trySandbox runs here (freshSandbox), so that every test of this suite can also run alone.
    suiteSetup(async () => {
      ({ demo, deviceId } = await freshSandbox());
    });

    test('bioSync.trySandbox starts the sandbox and configures a demo device that syncs', async () => {
      const a = await api();
      assert.match(demo.biotimeUrl, /^http:\/\/127\.0\.0\.1:\d+/);
      assert.ok(a.host.state.kind === 'ready' && a.host.state.config.devices.some((d) => d.id === deviceId));
      assert.ok((await a.host.requireEngine().listRuns(deviceId, 1)).length > 0, 'the first scheduled run');
    });

    test('bioSync.syncNow and bioSync.syncAll run and return their summaries', async () => {
      const [run] = (await vscode.commands.executeCommand<RunSummary[]>('bioSync.syncNow', deviceId))!;
      assert.strictEqual(run.status, 'completed', JSON.stringify(run.error));
      const all = (await vscode.commands.executeCommand<RunSummary[]>('bioSync.syncAll'))!;
      assert.ok(all.length >= 1 && all.every((r) => r.status === 'completed'));
    });

    test('the Devices tree shows the device, its runs and its failed punches', async () => {
      const a = await api();
      // The Runs view is checked with three runs in it, whichever tests ran before this one.
      for (let i = 0; i < 3 && (await a.host.requireEngine().listRuns(deviceId, 3)).length < 3; i++)
        await vscode.commands.executeCommand('bioSync.syncNow', deviceId);
      a.model.invalidate();
      const roots = await render(a.trees.devices);
      const device = roots.find((r) => r.contextValue.startsWith('bioSync.device'))!;
      assert.ok(device, JSON.stringify(roots.map((r) => r.label)));
      assert.match(device.description, /synced/);
      const children = await render(a.trees.devices, device.node);
      assert.ok(
        children.some((c) => c.contextValue.startsWith('bioSync.run')),
        'a run node',
      );
      const group = children.find((c) => /^Failed punches \(\d+\)$/.test(c.label));
      assert.ok(group, JSON.stringify(children.map((c) => c.label)));
      const failed = await render(a.trees.devices, group.node);
      assert.ok(
        failed.some((f) => f.label.startsWith('2001') && /\+unknownEmployee\b/.test(f.contextValue)),
        JSON.stringify(failed.map((f) => f.label)),
      );
      const runs = await renderRuns(a.trees.runs);
      assert.ok(runs.length >= 3, `${runs.length} runs`);
    });

    test('bioSync.testConnection returns the doctor checks', async () => {
      const checks = (await vscode.commands.executeCommand<DoctorCheck[]>('bioSync.testConnection', deviceId))!;
      assert.ok(checks.length > 0);
      assert.deepStrictEqual(
        checks.filter((c) => c.status === 'fail').map((c) => c.check),
        [],
      );
    });

    test('bioSync.previewSync opens the plan in the mapping panel; bioSync.showMapping opens a run and the webview handshakes', async () => {
      const a = await api();
      const plan = (await vscode.commands.executeCommand<RunSummary>('bioSync.previewSync', deviceId))!;
      assert.strictEqual(plan.kind, 'dryRun');
      const [firstRun] = (await a.host.requireEngine().listRuns(deviceId, 50)).filter((r) => r.counts.failed > 0);
      await vscode.commands.executeCommand('bioSync.showMapping', { kind: 'run', deviceId, runId: firstRun.runId });
      const panel = await waitFor('mapping panel of the run', () =>
        a.mapping.openPanels.find((p) => p.ref.kind === 'run' && p.ref.runId === firstRun.runId),
      );
      await waitFor('ready + query from the webview', () => panel.ready && panel.queries > 0, 45_000).catch((e) => {
        throw new Error(`${(e as Error).message}; ready: ${panel.ready}, queries: ${panel.queries}`);
      });
      assert.match(panel.title, /Punch Mapping/);
      assert.ok(a.mapping.openPanels.some((p) => p.ref.kind === 'plan'));
    });

    test('a failed-punch panel reloads when its device runs elsewhere, and the webview asks for its page again', async () => {
      const a = await api();
      await vscode.commands.executeCommand('bioSync.showMapping', { kind: 'device', deviceId });
      const panel = await waitFor('failed-punch panel', () =>
        a.mapping.openPanels.find((p) => p.ref.kind === 'failed' && p.ref.deviceId === deviceId),
      );
      await waitFor('handshake', () => panel.ready && panel.queries > 0, 45_000);
      const queries = panel.queries;
      const reloads = panel.reloads;
      const [run] = (await vscode.commands.executeCommand<RunSummary[]>('bioSync.syncNow', deviceId))!;
      assert.strictEqual(run.status, 'completed', JSON.stringify(run.error));
      await waitFor('reload after the run', () => panel.reloads > reloads);
      await waitFor('the webview queries its page again', () => panel.queries > queries, 45_000);
    });

    test('rerun, copy, open and the interactive commands all run', async () => {
      const a = await api();
      const engine = a.host.requireEngine();
      const [failed] = (await engine.listFailed(deviceId)).filter((f) => f.failure === 'unknownEmployee');
      const punch = {
        deviceId,
        key: failed.key,
        empCode: failed.empCode,
        name: failed.name,
        punchTime: failed.punchTime,
        reason: failed.reason,
        retryable: true,
      };
      const ref = { kind: 'failedPunch', deviceId, punch };
      const rerun = (await vscode.commands.executeCommand<RunSummary[]>('bioSync.rerunPunch', ref))!;
      assert.strictEqual(rerun[0].kind, 'rerun');
      assert.ok((await vscode.commands.executeCommand<RunSummary[]>('bioSync.rerunFailed', deviceId))!.length >= 1);
      const [run] = await engine.listRuns(deviceId, 1);
      const json = (await vscode.commands.executeCommand<string>('bioSync.copyAsJson', {
        kind: 'run',
        deviceId,
        runId: run.runId,
        run,
      }))!;
      assert.strictEqual(JSON.parse(json).runId, run.runId);
      const url = (await vscode.commands.executeCommand<string>('bioSync.openInFrappe', {
        deviceId,
        doctype: 'Employee',
        name: 'HR-EMP-00001',
      }))!;
      assert.ok(url.startsWith(demo.frappeUrl), url);
      // Interactive commands: the quick inputs they open are dismissed; dialogs are skipped in smoke-test mode.
      for (const id of [
        'bioSync.addDevice',
        'bioSync.editDevice',
        'bioSync.setBiotimePassword',
        'bioSync.setFrappeApiKey',
        'bioSync.linkEmployee',
        'bioSync.showMapping',
      ]) {
        await runDismissing(
          id,
          ...(id === 'bioSync.linkEmployee' ? [ref] : id === 'bioSync.showMapping' ? [] : [deviceId]),
        );
      }
      await runDismissing('bioSync.dismissPunch', ref);
      await runDismissing('bioSync.removeDevice', deviceId);
      assert.ok(
        (await engine.listFailed(deviceId)).some((f) => f.key === failed.key),
        'a dismissed dialog dismisses nothing',
      );
      assert.ok(
        vscode.workspace
          .getConfiguration('bioSync')
          .get<{ id: string }[]>('devices')!
          .some((d) => d.id === deviceId),
        'a dismissed dialog removes nothing',
      );
      for (const id of ['bioSync.showLog', 'bioSync.refresh', 'bioSync.openSettings'])
        await vscode.commands.executeCommand(id);
    });

    test('bioSync.disableDevice / bioSync.enableDevice write the setting and the engine follows', async () => {
      const a = await api();
      await vscode.commands.executeCommand('bioSync.disableDevice', deviceId);
      await waitFor(
        'device disabled',
        () =>
          a.host.state.kind === 'ready' &&
          a.host.state.config.devices.find((d) => d.id === deviceId)?.enabled === false,
      );
      await vscode.commands.executeCommand('bioSync.enableDevice', deviceId);
      await waitFor(
        'device enabled',
        () =>
          a.host.state.kind === 'ready' && a.host.state.config.devices.find((d) => d.id === deviceId)?.enabled === true,
      );
    });

    suiteTeardown(async () => {
      await setSetting('scheduler.enabled', undefined);
    });
  });
}
