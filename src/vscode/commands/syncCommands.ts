// Sync Now (one device or all), Preview Sync, Rerun failed punches (device, run or one punch), Dismiss.
// Manual runs show cancellable progress; the CancellationToken becomes the engine's AbortSignal.
import * as vscode from 'vscode';
import type { RunSummary } from '../../shared/model';
import { actionsFor, UserFacingError } from '../errors';
import { countsText } from '../tree/format';
import { refOf } from '../tree/nodeRef';
import { removedDeviceText } from '../webviews/mappingSource';
import { SANDBOX_STOPPED_TEXT, sandboxState } from '../sandboxState';
import {
  abortSignalFor,
  configuredDevices,
  deviceLabel,
  engineAndDevice,
  offerFixes,
  registerCommand,
  type CommandDeps,
} from './commandSupport';

export function registerSyncCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.syncNow', async (arg) => {
    const engine = deps.host.requireEngine();
    let deviceId = refOf(arg)?.deviceId;
    if (!deviceId) {
      const devices = configuredDevices(deps).filter((d) => d.enabled);
      const pick =
        devices.length === 1
          ? { id: devices[0].id }
          : await vscode.window.showQuickPick(
              [
                { label: '$(sync) All devices', id: '' },
                ...devices.map((d) => ({ label: d.name, description: d.id, id: d.id })),
              ],
              { placeHolder: 'Sync which device now?' },
            );
      if (!pick) return;
      if (!pick.id) return vscode.commands.executeCommand('bioSync.syncAll');
      deviceId = pick.id;
    }
    const device = configuredDevices(deps).find((d) => d.id === deviceId);
    if (sandboxState.isStopped(deviceId)) return sandboxStopped(deps, deviceId);
    return report(
      deps,
      await withRunProgress(
        deps,
        `syncing ${device?.name ?? deviceId}`,
        (signal) => engine.runDevice(deviceId, { signal }).then((s) => [s]),
        deviceId,
      ),
    );
  });

  registerCommand(deps, 'bioSync.syncAll', async () => {
    const engine = deps.host.requireEngine();
    return report(deps, await withRunProgress(deps, 'syncing all devices', (signal) => engine.runAll({ signal })));
  });

  registerCommand(deps, 'bioSync.previewSync', async (arg) => {
    const r = await engineAndDevice(deps, refOf(arg)?.deviceId, 'Preview the next sync of which device?');
    if (!r) return;
    const [plan] = await withRunProgress(
      deps,
      `planning ${r.device.name} (nothing is written)`,
      (signal) => r.engine.runDevice(r.device.id, { dryRun: true, signal }).then((s) => [s]),
      r.device.id,
    );
    if (plan.status !== 'completed') return report(deps, [plan]);
    await deps.mapping.open({ kind: 'plan', deviceId: r.device.id, runId: plan.runId });
    return plan;
  });

  registerCommand(deps, 'bioSync.rerunFailed', async (arg) => {
    const ref = refOf(arg);
    // A removed device's runs stay in the history; rerunning them would silently do nothing.
    if (ref && deps.host.state.kind === 'ready' && !configuredDevices(deps).some((d) => d.id === ref.deviceId))
      throw new UserFacingError(removedDeviceText(ref.deviceId));
    const r = await engineAndDevice(deps, ref?.deviceId, 'Rerun the failed punches of which device?');
    if (!r) return;
    const runId = ref?.kind === 'run' ? ref.runId : undefined;
    return report(
      deps,
      await withRunProgress(
        deps,
        `rerunning failed punches of ${r.device.name}`,
        (signal) => r.engine.rerun({ deviceId: r.device.id, runId, signal }),
        r.device.id,
      ),
      'No failed punches to rerun.',
    );
  });

  registerCommand(deps, 'bioSync.rerunPunch', async (arg) => {
    const ref = refOf(arg);
    if (ref?.kind !== 'failedPunch') return;
    const engine = deps.host.requireEngine();
    if (!configuredDevices(deps).some((d) => d.id === ref.deviceId))
      throw new UserFacingError(removedDeviceText(ref.deviceId));
    return report(
      deps,
      await withRunProgress(
        deps,
        `rerunning ${ref.punch.empCode} ${ref.punch.punchTime}`,
        (signal) => engine.rerun({ deviceId: ref.deviceId, keys: [ref.punch.key], signal }),
        ref.deviceId,
      ),
      'That punch is no longer failing.',
    );
  });

  registerCommand(deps, 'bioSync.dismissPunch', async (arg) => {
    const ref = refOf(arg);
    if (ref?.kind !== 'failedPunch') return;
    const engine = deps.host.requireEngine();
    const p = ref.punch;
    const ok = await deps.dialogs.ask(
      'warning',
      `Dismiss the punch of ${p.empCode} ${p.name} at ${p.punchTime}?`,
      `It failed with: ${p.reason}\nA dismissed punch is never retried and no checkin is created for it.`,
      'Dismiss',
    );
    if (ok !== 'Dismiss') return;
    const result = await engine.dismiss(ref.deviceId, [p.key]);
    if (!result.dismissed.length) {
      void vscode.window.showInformationMessage(
        `The punch of ${p.empCode} at ${p.punchTime} is no longer failing (rerun or dismissed since); nothing was dismissed.`,
      );
      return result;
    }
    deps.logger.info(
      `Dismissed failed punch ${p.key} of ${deviceLabel(deps, ref.deviceId)} (${p.empCode} ${p.punchTime}: ${p.reason}); no checkin is created for it.`,
    );
    return result;
  });
}

/** Runs `work` under a cancellable notification that follows the engine's progress events. */
export function withRunProgress(
  deps: CommandDeps,
  what: string,
  work: (signal: AbortSignal) => Promise<RunSummary[]>,
  deviceId?: string,
): Thenable<RunSummary[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `BioTime Sync: ${what}`, cancellable: true },
    async (progress, token) => {
      const sub = deps.host.onEvent((e) => {
        if (deviceId && 'deviceId' in e && e.deviceId !== deviceId) return;
        if (e.type === 'pageFetched') progress.report({ message: `fetched page ${e.page} (${e.fetched}/${e.total})` });
        if (e.type === 'punchesProcessed')
          progress.report({ message: `${e.processed}/${e.total} punches · ${countsText(e.counts)}` });
      });
      try {
        return await work(abortSignalFor(token));
      } finally {
        sub.dispose();
      }
    },
  );
}

/** One message for the outcome of manual runs, with the actions that fix a failure. */
export function report(deps: CommandDeps, runs: RunSummary[], whenNone = 'Nothing to do.'): RunSummary[] {
  if (!runs.length) {
    deps.logger.info(`Manual run: ${whenNone}`);
    void vscode.window.showInformationMessage(whenNone);
    return runs;
  }
  for (const r of runs) deps.logger.info(outcomeLine(deps, r));
  const failed = runs.find((r) => r.status === 'failed');
  if (failed?.error) {
    const msg = `${runs.length > 1 ? `${deviceLabel(deps, failed.deviceId)}: ` : ''}${failed.error.message}${failed.error.hint ? ` ${failed.error.hint}` : ''}`;
    offerFixes(msg, actionsFor(failed.error.code, failed.error), failed.deviceId);
    return runs;
  }
  if (runs.every((r) => r.status === 'cancelled')) {
    void vscode.window.showInformationMessage(
      'Cancelled. Punches already written are kept and the next run continues from there.',
    );
    return runs;
  }
  const total = runs.reduce(
    (acc, r) => ({
      ...acc,
      fetched: acc.fetched + r.counts.fetched,
      created: acc.created + r.counts.created,
      duplicate: acc.duplicate + r.counts.duplicate,
      failed: acc.failed + r.counts.failed,
      skipped: acc.skipped + r.counts.skipped,
    }),
    { fetched: 0, created: 0, duplicate: 0, failed: 0, skipped: 0, userControlCalls: 0, userControlFailed: 0 },
  );
  const kind = runs[0].kind === 'rerun' ? 'Rerun' : 'Sync';
  void vscode.window
    .showInformationMessage(`${kind} done: ${countsText(total)}.`, 'Show Punch Mapping')
    .then((choice) => {
      if (choice) void deps.mapping.open({ kind: 'run', runId: runs[runs.length - 1].runId });
    });
  return runs;
}

const MANUAL_KIND: Record<RunSummary['kind'], string> = { sync: 'Sync Now', rerun: 'Rerun', dryRun: 'Preview' };

/** "Sync Now of Main gate (hq): completed — 1 created, 0 duplicates, 2 failed, 0 skipped (run …)." */
function outcomeLine(deps: CommandDeps, r: RunSummary): string {
  const c = r.counts;
  const what =
    r.status === 'failed' && r.error
      ? `failed — ${r.error.message}`
      : `${r.status} — ${c.created} created, ${c.duplicate} duplicates, ${c.failed} failed, ${c.skipped} skipped`;
  return `${MANUAL_KIND[r.kind]} of ${deviceLabel(deps, r.deviceId)}: ${what} (run ${r.runId}).`;
}

/** Sync Now on a sandbox device after a reload: say what it is and offer the two ways out, instead of a red error. */
function sandboxStopped(deps: CommandDeps, deviceId: string): undefined {
  const text = `${deviceLabel(deps, deviceId)}: ${SANDBOX_STOPPED_TEXT} Nothing was synced.`;
  deps.logger.warn(text);
  void vscode.window.showWarningMessage(text, 'Start the Sandbox Again', 'Remove the Sandbox Device').then((choice) => {
    if (choice === 'Start the Sandbox Again') void vscode.commands.executeCommand('bioSync.trySandbox');
    if (choice === 'Remove the Sandbox Device') void vscode.commands.executeCommand('bioSync.removeDevice', deviceId);
  });
  return undefined;
}
