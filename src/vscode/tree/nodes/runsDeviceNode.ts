// A device in the Sync Runs view when runs are grouped by device (bioSync.runs.groupByDevice): its latest runs under
// it, quiet stretches folded. Carries the device's context value so the device's menu (Sync Now, Reset Cursor…)
// works here too.
import * as vscode from 'vscode';
import type { DeviceStatus, RunSummary } from '../../../shared/model';
import { contextValue, ContextBase } from '../contextValues';
import { relativeTime } from '../format';
import type { NodeRef } from '../nodeRef';
import { runItems } from './runItems';
import { TreeNode, type TreeContext } from './treeNode';

export class RunsDeviceNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    readonly deviceId: string,
    private readonly name: string,
    private readonly status: DeviceStatus | undefined,
    private readonly runs: RunSummary[],
    private readonly ctx: TreeContext,
  ) {
    super();
    this.ref = { kind: 'device', deviceId };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `runs:device:${this.deviceId}`;
    const latest = this.runs[0];
    item.description = `${this.runs.length} run${this.runs.length === 1 ? '' : 's'} · last ${relativeTime(latest?.startedAt, this.ctx.now())}`;
    const s = this.status;
    const runsHere = this.ctx.host.runsHere(this.deviceId);
    item.iconPath = new vscode.ThemeIcon(s ? 'device-desktop' : 'circle-slash');
    item.contextValue = s
      ? contextValue(ContextBase.device, {
          enabled: s.enabled,
          disabled: !s.enabled,
          error: s.health === 'error',
          failed: s.failedCount > 0,
          runnerHere: runsHere,
          notRunnerHere: !runsHere,
        })
      : contextValue(ContextBase.status, {});
    item.tooltip = s ? `${this.name} (${this.deviceId})` : `${this.deviceId}: a device no longer configured`;
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return Promise.resolve(runItems(this.runs, this.ctx, false, this));
  }
}
