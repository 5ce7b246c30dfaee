import type * as vscode from 'vscode';
import type { UiSettings } from '../../adapters/settings';
import type { EngineHost } from '../../engineHost';
import type { NodeRef } from '../nodeRef';
import type { SyncTreeModel } from '../treeModel';

/** What nodes need to render themselves. */
export interface TreeContext {
  readonly model: SyncTreeModel;
  readonly host: EngineHost;
  now(): Date;
  ui(): UiSettings;
}

/** One class per node kind (style rule 6); each maps its data to a TreeItem and knows its children. */
export abstract class TreeNode {
  /** Set on nodes that commands act on. */
  readonly ref?: NodeRef;

  constructor(readonly parent?: TreeNode) {}

  abstract getTreeItem(): vscode.TreeItem;

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }
}
