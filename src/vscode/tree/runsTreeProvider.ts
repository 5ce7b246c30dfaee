// Maps the model to the Sync Runs view: by default each device with its latest runs under it (quiet stretches
// folded); with bioSync.runs.groupByDevice off, the latest runs of every device in one list, newest first. Failed
// punches are a run's children either way.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { Disposable } from '../disposable';
import { runItems } from './nodes/runItems';
import { RunsDeviceNode } from './nodes/runsDeviceNode';
import { StatusNode } from './nodes/statusNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly ctx: TreeContext) {
    super();
    // A run list is cheap to redraw and any device change can reorder it.
    this._register(ctx.model.onDidChange(() => this.emitter.fire(undefined)));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (node) return await node.getChildren();
      const ui = this.ctx.ui();
      if (!ui.runsGroupByDevice) return runItems(await this.ctx.model.runs(undefined, ui.runsLimit), this.ctx, true);
      return await this.byDevice(ui.runsLimit);
    } catch (e) {
      return [new StatusNode('error', 'Could not list the runs', errorMessage(e))];
    }
  }

  /** Configured devices in settings order, then devices removed since whose runs are still kept. */
  private async byDevice(limit: number): Promise<TreeNode[]> {
    const state = this.ctx.host.state;
    if (state.kind !== 'ready') return [];
    const statuses = await this.ctx.model.status();
    const configured = state.config.devices.map((d) => ({ id: d.id, name: d.name }));
    const all = await this.ctx.model.runs(undefined, limit);
    const removed = [...new Set(all.map((r) => r.deviceId))]
      .filter((id) => !configured.some((d) => d.id === id))
      .map((id) => ({ id, name: `${id} (removed device)` }));
    const out: TreeNode[] = [];
    for (const d of [...configured, ...removed]) {
      const runs = await this.ctx.model.runs(d.id, limit);
      if (!runs.length) continue;
      const status = statuses.find((s) => s.deviceId === d.id);
      out.push(new RunsDeviceNode(d.id, d.name, status, runs, this.ctx));
    }
    return out;
  }
}
