// A site in the Devices view (issue 15: devices grouped by site). Expanded at first when the site has a device
// needing the operator, or when there are only a few sites; VS Code remembers what the operator opens or closes.
import * as vscode from 'vscode';
import type { DeviceStatus } from '../../../shared/model';
import { contextValue, ContextBase } from '../contextValues';
import { attentionReasons, siteDescription } from '../runGroups';
import { DeviceNode } from './deviceNode';
import { TreeNode, type TreeContext } from './treeNode';

/** Up to this many sites are all shown expanded at first. */
const EXPAND_UP_TO = 3;

export class SiteNode extends TreeNode {
  constructor(
    readonly site: string,
    readonly devices: DeviceStatus[],
    readonly siteCount: number,
    private readonly ctx: TreeContext,
    private readonly deviceNodes: Map<string, DeviceNode>,
  ) {
    super();
  }

  get needsAttention(): boolean {
    return this.devices.some((d) => attentionReasons(d).length > 0);
  }

  getTreeItem(): vscode.TreeItem {
    const attention = this.needsAttention;
    const item = new vscode.TreeItem(
      this.site,
      attention || this.siteCount <= EXPAND_UP_TO
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `site:${this.site}`;
    item.description = siteDescription(this.devices);
    item.contextValue = contextValue(ContextBase.site, { attention });
    const failing = this.devices.some((d) => d.enabled && d.health === 'error');
    item.iconPath = failing
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
      : attention
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'))
        : new vscode.ThemeIcon('organization');
    const lines = [`Site ${this.site}: ${item.description}`];
    for (const d of this.devices) {
      const why = attentionReasons(d);
      if (why.length) lines.push(`${d.name}: ${why.join('; ')}`);
    }
    item.tooltip = lines.join('\n');
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return Promise.resolve(
      this.devices.map((s) => {
        const n = new DeviceNode(s, this.ctx, this);
        this.deviceNodes.set(s.deviceId, n);
        return n;
      }),
    );
  }
}
