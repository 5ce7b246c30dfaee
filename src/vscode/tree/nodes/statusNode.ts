// Status instead of pop-ups (style rule 7): "settings invalid", "another window runs the syncs", "last run failed".
import * as vscode from 'vscode';
import { ContextBase } from '../contextValues';
import { TreeNode } from './treeNode';

export type StatusLevel = 'error' | 'warning' | 'info';

const ICONS: Record<StatusLevel, vscode.ThemeIcon> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  info: new vscode.ThemeIcon('info'),
};

export class StatusNode extends TreeNode {
  constructor(
    private readonly level: StatusLevel,
    private readonly label: string,
    private readonly detail?: string,
    private readonly command?: vscode.Command,
    parent?: TreeNode,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = ICONS[this.level];
    item.contextValue = ContextBase.status;
    if (this.detail) {
      item.description = this.detail;
      item.tooltip = `${this.label}\n${this.detail}`;
    }
    if (this.command) item.command = this.command;
    return item;
  }
}
