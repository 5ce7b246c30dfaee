import * as vscode from 'vscode';
import { contextValue, ContextBase } from '../contextValues';
import type { NodeRef } from '../nodeRef';
import { fromFailed } from '../treeModel';
import { FailedPunchNode } from './failedPunchNode';
import { StatusNode } from './statusNode';
import { TreeNode, type TreeContext } from './treeNode';

/** More than this many children make the tree useless; the mapping panel pages through the rest. */
const MAX_CHILDREN = 500;

export class FailedGroupNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    private readonly deviceId: string,
    private readonly count: number,
    private readonly ctx: TreeContext,
    parent: TreeNode,
  ) {
    super(parent);
    this.ref = { kind: 'failedGroup', deviceId };
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(`Failed punches (${this.count})`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `device:${this.deviceId}:failed`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
    item.contextValue = contextValue(ContextBase.failedGroup, { failed: true });
    item.tooltip =
      'Punches that did not become a checkin. They are retried by "Rerun Failed Punches" and kept until they succeed or are dismissed.';
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const failed = await this.ctx.model.failed(this.deviceId);
    const nodes: TreeNode[] = failed.slice(0, MAX_CHILDREN).map((f) => new FailedPunchNode(fromFailed(f), this));
    if (failed.length > MAX_CHILDREN) {
      nodes.push(
        new StatusNode(
          'info',
          `${failed.length - MAX_CHILDREN} more…`,
          'open the punch mapping',
          { command: 'bioSync.showMapping', title: 'Show Punch Mapping', arguments: [this.ref] },
          this,
        ),
      );
    }
    return nodes;
  }
}
