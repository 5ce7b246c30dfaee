import * as vscode from 'vscode';
import { contextValue, ContextBase } from '../contextValues';
import type { NodeRef } from '../nodeRef';
import type { FailedPunchView } from '../treeModel';
import { TreeNode } from './treeNode';

export class FailedPunchNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    readonly punch: FailedPunchView,
    parent: TreeNode,
  ) {
    super(parent);
    this.ref = { kind: 'failedPunch', deviceId: punch.deviceId, punch };
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.punch;
    const unknown = p.failure === 'unknownEmployee';
    const item = new vscode.TreeItem(`${p.empCode} ${p.name}`.trim(), vscode.TreeItemCollapsibleState.None);
    item.description = `${p.punchTime} · ${p.retryable ? p.reason : `resolved since (${p.reason})`}`;
    item.iconPath = unknown
      ? new vscode.ThemeIcon('person', new vscode.ThemeColor('editorWarning.foreground'))
      : new vscode.ThemeIcon(
          p.retryable ? 'error' : 'pass',
          new vscode.ThemeColor(p.retryable ? 'errorForeground' : 'testing.iconPassed'),
        );
    item.contextValue = contextValue(ContextBase.failedPunch, {
      retryable: p.retryable,
      unknownEmployee: unknown && p.retryable,
      employee: !!p.employee,
    });
    const md = new vscode.MarkdownString();
    md.appendText(`${p.empCode} ${p.name} — ${p.punchTime}\n${p.reason}\n`);
    if (p.raw) md.appendCodeblock(JSON.stringify(p.raw, null, 2), 'json');
    else md.appendText('\n(the raw record is kept only while the punch is failing)');
    item.tooltip = md;
    return item;
  }
}
