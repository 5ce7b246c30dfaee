// Maps the model to the Sync Runs view: the latest runs of every device, newest first; failed punches as children.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { Disposable } from '../disposable';
import { RunNode } from './nodes/runNode';
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
      const runs = await this.ctx.model.runs(undefined, this.ctx.ui().runsLimit);
      return runs.map((r) => new RunNode(r, this.ctx, true));
    } catch (e) {
      return [new StatusNode('error', 'Could not list the runs', errorMessage(e))];
    }
  }
}
