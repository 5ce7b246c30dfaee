// One notification when a device has failed several background runs in a row (not one per tick, style rule 14).
// Only the window that runs the syncs sees the run events, so only it notifies.
import * as vscode from 'vscode';
import type { RunSummary } from '../shared/model';
import { readUiSettings } from './adapters/settings';
import { Disposable } from './disposable';
import type { EngineHost } from './engineHost';
import { failureDecision } from './statusBarState';

export class FailureNotifier extends Disposable {
  private readonly notified = new Set<string>();

  constructor(private readonly host: EngineHost) {
    super();
    this._register(
      host.onEvent((e) => {
        if (e.type === 'runFinished') void this.onRun(e.summary);
        // A device moved to another site: said once, when the run that finds it happens (not a failure).
        if (e.type === 'siteChanged') void this.onSiteChanged(e.change.message);
      }),
    );
  }

  private async onSiteChanged(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(`BioTime Sync: ${message}`, 'Show Log');
    if (choice === 'Show Log') await vscode.commands.executeCommand('bioSync.showLog');
  }

  private async onRun(run: RunSummary): Promise<void> {
    const state = this.host.state;
    if (run.kind !== 'sync' || state.kind !== 'ready') return;
    const status =
      run.status === 'failed'
        ? (await state.engine.status().catch(() => [])).find((s) => s.deviceId === run.deviceId)
        : undefined;
    const decision = failureDecision(run, status, readUiSettings().failureThreshold, this.notified.has(run.deviceId));
    if (decision === 'reset') this.notified.delete(run.deviceId);
    if (decision !== 'notify' || !status) return;
    this.notified.add(run.deviceId);
    const message =
      `BioTime Sync: ${status.name} failed ${status.consecutiveFailures} runs in a row. ${run.error?.message ?? ''}`.trim();
    const choice = await vscode.window.showWarningMessage(message, 'Show Log', 'Test Connection');
    if (choice === 'Show Log') await vscode.commands.executeCommand('bioSync.showLog');
    if (choice === 'Test Connection') await vscode.commands.executeCommand('bioSync.testConnection', run.deviceId);
  }
}
