// Maps the model to the Devices view. Settings problems and the window's role show as status nodes; with nothing
// configured the view is empty so its viewsWelcome (Add Device / Try the sandbox) shows. Devices of more than one site
// are grouped under a node per site (bioSync.tree.groupBySite); with a single site there is no site level: it would
// only add a click to every visit, and the site is named in each device's tooltip.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { Disposable } from '../disposable';
import type { DeviceStatus } from '../../shared/model';
import { DeviceNode } from './nodes/deviceNode';
import { SiteNode } from './nodes/siteNode';
import { groupBySite, type SiteGroup } from './runGroups';
import { StatusNode } from './nodes/statusNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';

export class DevicesTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly nodes = new Map<string, DeviceNode>();
  private readonly emitter = this._register(new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly ctx: TreeContext) {
    super();
    this._register(
      ctx.model.onDidChange((deviceId) => {
        const node = deviceId ? this.nodes.get(deviceId) : undefined;
        // The site's line counts its devices' failures: repaint it with the device.
        this.emitter.fire(node?.parent instanceof SiteNode ? [node, node.parent] : node);
      }),
    );
  }

  /** Device nodes are fired individually when their device changes: render them from the current status. */
  private async fresh(node: DeviceNode): Promise<DeviceNode | undefined> {
    const status = (await this.ctx.model.status()).find((s) => s.deviceId === node.status.deviceId);
    return status && new DeviceNode(status, this.ctx, node.parent);
  }

  async getTreeItem(node: TreeNode): Promise<vscode.TreeItem> {
    if (node instanceof SiteNode) {
      const ids = new Set(node.devices.map((d) => d.deviceId));
      const now = (await this.ctx.model.status()).filter((s) => ids.has(s.deviceId));
      return new SiteNode(node.site, now, node.siteCount, this.ctx, this.nodes).getTreeItem();
    }
    const current = node instanceof DeviceNode ? ((await this.fresh(node)) ?? node) : node;
    return current.getTreeItem();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (node) {
        if (node instanceof DeviceNode) return (await (await this.fresh(node))?.getChildren()) ?? [];
        return await node.getChildren();
      }
      return await this.roots();
    } catch (e) {
      return [new StatusNode('error', 'Could not show this', errorMessage(e))];
    }
  }

  private async roots(): Promise<TreeNode[]> {
    const state = this.ctx.host.state;
    if (state.kind === 'unconfigured') return [];
    if (state.kind === 'invalid') {
      const openSettings = (key: string): vscode.Command => ({
        command: 'bioSync.openSettings',
        title: 'Open Settings',
        arguments: [key],
      });
      return [
        new StatusNode(
          'error',
          `Settings have ${state.issues.length} problem(s)`,
          'nothing syncs until they are fixed',
          openSettings('bioSync.devices'),
        ),
        ...state.issues.map((i) => new StatusNode('error', i.key, i.message, openSettings(i.key))),
      ];
    }
    const out: TreeNode[] = [];
    const problems = state.problems ?? [];
    if (problems.length) {
      const open = (key: string): vscode.Command => ({
        command: 'bioSync.openSettings',
        title: 'Open Settings',
        arguments: [key],
      });
      out.push(
        new StatusNode(
          'error',
          `Settings have ${problems.length} problem(s)`,
          'they stop only the entries they concern',
        ),
        ...problems.map((p) => new StatusNode('error', p.message, undefined, open(p.key))),
      );
    }
    if (this.ctx.host.role === 'follower')
      out.push(
        new StatusNode(
          'info',
          'Another window runs the scheduled syncs',
          'this one shows their state and takes over when it closes',
        ),
      );
    else if (this.ctx.host.role === 'stopped')
      out.push(
        new StatusNode('info', 'Scheduled sync is off', 'bioSync.scheduler.enabled', {
          command: 'bioSync.openSettings',
          title: 'Open Settings',
          arguments: ['bioSync.scheduler.enabled'],
        }),
      );
    const statuses = await this.ctx.model.status();
    if (this.ctx.model.lastError) out.push(new StatusNode('warning', this.ctx.model.lastError));
    this.nodes.clear();
    const groups = this.ctx.ui().groupBySite ? this.sites(statuses) : [];
    if (groups.length > 1) {
      out.push(...groups.map((g) => new SiteNode(g.site, g.devices, groups.length, this.ctx, this.nodes)));
      return out;
    }
    for (const s of statuses) {
      const n = new DeviceNode(s, this.ctx);
      this.nodes.set(s.deviceId, n);
      out.push(n);
    }
    return out;
  }

  private sites(statuses: DeviceStatus[]): SiteGroup[] {
    const state = this.ctx.host.state;
    if (state.kind !== 'ready') return [];
    const siteOf = new Map(state.config.devices.map((d) => [d.id, d.site]));
    return groupBySite(
      statuses,
      (id) => siteOf.get(id),
      state.config.sites.map((s) => s.id),
    );
  }
}
