// A stretch of runs that brought nothing new, as one line ("12 runs with nothing new, 09:00–10:00"); the runs are
// its children, so nothing is hidden, only folded.
import * as vscode from 'vscode';
import type { RunSummary } from '../../../shared/model';
import { ContextBase } from '../contextValues';
import { quietLabel } from '../runGroups';
import { RunNode } from './runNode';
import { TreeNode, type TreeContext } from './treeNode';

export class QuietRunsNode extends TreeNode {
  constructor(
    readonly runs: RunSummary[],
    private readonly ctx: TreeContext,
    private readonly showDevice: boolean,
    parent?: TreeNode,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(quietLabel(this.runs, this.ctx.now()), vscode.TreeItemCollapsibleState.Collapsed);
    // Keyed by the newest run of the stretch: a stretch that grows gets a new id (and shows collapsed again).
    item.id = `${this.showDevice ? 'runs' : 'device'}:quiet:${this.runs[0].runId}:${this.runs.length}`;
    item.iconPath = new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    item.contextValue = ContextBase.quietRuns;
    if (this.showDevice) {
      const ids = [...new Set(this.runs.map((r) => r.deviceId))];
      item.description = ids.length === 1 ? this.deviceName(ids[0]) : `${ids.length} devices`;
    }
    item.tooltip = `${this.runs.length} scheduled runs completed and found no new punch (nothing fetched, nothing written). Expand to see each.`;
    return item;
  }

  private deviceName(id: string): string {
    const s = this.ctx.host.state;
    return (s.kind === 'ready' ? s.config.devices.find((d) => d.id === id)?.name : undefined) ?? id;
  }

  override getChildren(): Promise<TreeNode[]> {
    return Promise.resolve(this.runs.map((r) => new RunNode(r, this.ctx, this.showDevice, this)));
  }
}
