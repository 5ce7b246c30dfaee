import * as vscode from 'vscode';
import { contextValue, ContextBase } from '../contextValues';
import type { NodeRef } from '../nodeRef';
import type { FailedPunchView } from '../treeModel';
import { TreeNode } from './treeNode';

export class FailedPunchNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    readonly punch: FailedPunchView,
    parent?: TreeNode,
  ) {
    super(parent);
    this.ref = { kind: 'failedPunch', deviceId: punch.deviceId, punch };
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.punch;
    const unknown = p.failure === 'unknownEmployee';
    const item = new vscode.TreeItem(`${p.empCode} ${p.name}`.trim(), vscode.TreeItemCollapsibleState.None);
    // Only a later run that created (or found) the checkin makes a punch "resolved"; a dismissed one has none.
    const resolved = p.fate?.state === 'resolved';
    item.description = `${p.punchTime} · ${p.retryable ? p.reason : `${p.fateText ?? 'no longer failing'} — failed then: ${p.reason}`}`;
    item.iconPath =
      unknown && p.retryable
        ? new vscode.ThemeIcon('person', new vscode.ThemeColor('editorWarning.foreground'))
        : p.retryable
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : resolved
            ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
            : new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    item.contextValue = contextValue(ContextBase.failedPunch, {
      retryable: p.retryable,
      unknownEmployee: unknown && p.retryable,
      employee: !!p.employee,
    });
    const md = new vscode.MarkdownString();
    md.appendText(`${p.empCode} ${p.name} — ${p.punchTime}\n${p.reason}\n`);
    if (!p.retryable) md.appendText(`Now: ${p.fateText ?? 'no longer failing'}\n`);
    if (p.raw) md.appendCodeblock(JSON.stringify(p.raw, null, 2), 'json');
    else md.appendText('\n(the raw record is kept only while the punch is failing)');
    item.tooltip = md;
    return item;
  }
}
