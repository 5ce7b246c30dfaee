import * as vscode from 'vscode';
import type { RunSummary } from '../../../shared/model';
import { contextValue, ContextBase } from '../contextValues';
import { duration, runDescription, runLabel } from '../format';
import type { NodeRef } from '../nodeRef';
import { FailedPunchNode } from './failedPunchNode';
import { TreeNode, type TreeContext } from './treeNode';

function runIcon(run: RunSummary): vscode.ThemeIcon {
  if (run.status === 'running') return new vscode.ThemeIcon('sync~spin');
  if (run.status === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  if (run.status === 'cancelled') return new vscode.ThemeIcon('circle-slash');
  if (run.status === 'interrupted')
    return new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('editorWarning.foreground'));
  if (run.kind === 'dryRun') return new vscode.ThemeIcon('eye');
  if (run.counts.failed) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
  return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
}

export class RunNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    readonly run: RunSummary,
    private readonly ctx: TreeContext,
    /** In the Sync Runs view the device is named; under a device it is not. */
    private readonly showDevice: boolean,
    parent?: TreeNode,
  ) {
    super(parent);
    this.ref = { kind: 'run', deviceId: run.deviceId, runId: run.runId, run };
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.run;
    const now = this.ctx.now();
    const item = new vscode.TreeItem(
      runLabel(r, now),
      r.counts.failed ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `${this.showDevice ? 'runs' : 'device'}:run:${r.runId}`;
    const removed = this.deviceName() === undefined;
    item.description =
      (this.showDevice || removed ? `${this.deviceName() ?? `${r.deviceId} (removed device)`} · ` : '') +
      runDescription(r);
    item.iconPath = runIcon(r);
    item.contextValue = contextValue(ContextBase.run, {
      failed: r.counts.failed > 0,
      dryRun: r.kind === 'dryRun',
      rerun: r.kind === 'rerun',
      error: r.status === 'failed',
      removed,
    });
    const c = r.counts;
    item.tooltip = [
      `${runLabel(r, now)} — ${r.status} on ${this.deviceName() ?? `${r.deviceId}, a device no longer configured (its runs are kept as history and cannot be rerun)`}`,
      `Started ${new Date(r.startedAt).toLocaleString()}, ${r.status === 'interrupted' ? 'stopped at an unknown time' : `took ${duration(r.durationMs)}`}`,
      `Fetched ${c.fetched} · created ${c.created} · duplicate ${c.duplicate} · failed ${c.failed} · skipped ${c.skipped}`,
      c.userControlCalls ? `User control: ${c.userControlCalls} call(s), ${c.userControlFailed} failed` : '',
      r.error ? `Error: ${r.error.message}${r.error.hint ? `\n${r.error.hint}` : ''}` : '',
      `Cursor ${r.cursorBefore ?? '—'} → ${r.cursorAfter ?? '—'}`,
    ]
      .filter(Boolean)
      .join('\n');
    item.command = { command: 'bioSync.showMapping', title: 'Show Punch Mapping', arguments: [this.ref] };
    return item;
  }

  /** The device's name; undefined when the device is no longer configured. */
  private deviceName(): string | undefined {
    const s = this.ctx.host.state;
    return s.kind === 'ready' ? s.config.devices.find((d) => d.id === this.run.deviceId)?.name : undefined;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const failures = await this.ctx.model.runFailures(this.run);
    return failures.map((f) => new FailedPunchNode(f, this));
  }
}
