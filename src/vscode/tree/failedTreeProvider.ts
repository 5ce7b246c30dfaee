// The Failed Punches view (issue 15): one list of the failed punches of every device, newest punch first, filtered
// by device, site or reason (BioTime Sync: Filter Failed Punches…), exported with Export Failed Punches as CSV….
// Each punch has the same menu as under its device (rerun, dismiss, link to employee, open in Frappe).
import * as vscode from 'vscode';
import type { FailedPunch } from '../../shared/model';
import { Disposable } from '../disposable';
import { applyFailedFilter, filterText, type FailedFilter } from './failedFilter';
import { FailedPunchNode } from './nodes/failedPunchNode';
import { StatusNode } from './nodes/statusNode';
import type { TreeContext, TreeNode } from './nodes/treeNode';
import { fromFailed } from './treeModel';

/** More rows make the view useless; the filter or the CSV export reach the rest. */
const MAX_ROWS = 1000;

export class FailedTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly filterEmitter = this._register(new vscode.EventEmitter<FailedFilter>());
  /** Fires when the filter changes (the view's description shows it). */
  readonly onDidChangeFilter = this.filterEmitter.event;
  private current: FailedFilter = {};

  constructor(private readonly ctx: TreeContext) {
    super();
    this._register(ctx.model.onDidChange(() => this.emitter.fire(undefined)));
  }

  get filter(): FailedFilter {
    return { ...this.current };
  }

  set filter(f: FailedFilter) {
    this.current = { ...f };
    this.filterEmitter.fire(this.filter);
    this.emitter.fire(undefined);
  }

  get filterDescription(): string {
    return filterText(this.current);
  }

  deviceSite = (deviceId: string): string | undefined => {
    const s = this.ctx.host.state;
    return s.kind === 'ready' ? s.config.devices.find((d) => d.id === deviceId)?.site : undefined;
  };

  /** The failed punches the view shows (all of them, not only the first MAX_ROWS): what Export CSV writes. */
  async shown(): Promise<FailedPunch[]> {
    const all = await this.ctx.model.allFailed();
    return applyFailedFilter(all, this.current, this.deviceSite).sort(
      (a, b) => b.punchTime.localeCompare(a.punchTime) || a.deviceId.localeCompare(b.deviceId),
    );
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = node.getTreeItem();
    if (node instanceof FailedPunchNode) {
      const p = node.punch;
      item.id = `failed:${p.deviceId}:${p.key}`;
      item.description = `${this.deviceName(p.deviceId)} · ${String(item.description ?? '')}`;
    }
    return item;
  }

  private deviceName(id: string): string {
    const s = this.ctx.host.state;
    return (s.kind === 'ready' ? s.config.devices.find((d) => d.id === id)?.name : undefined) ?? `${id} (removed)`;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren();
    try {
      const list = await this.shown();
      const total = (await this.ctx.model.allFailed()).length;
      if (!list.length)
        return total
          ? [
              new StatusNode(
                'info',
                `No failed punch matches the filter (${this.filterDescription})`,
                `${total} in all`,
                {
                  command: 'bioSync.clearFailedFilter',
                  title: 'Clear Failed Punches Filter',
                },
              ),
            ]
          : [];
      const rows: TreeNode[] = list.slice(0, MAX_ROWS).map((f) => new FailedPunchNode(fromFailed(f)));
      if (list.length > MAX_ROWS)
        rows.push(
          new StatusNode('info', `${list.length - MAX_ROWS} more…`, 'filter the list, or export it as CSV', {
            command: 'bioSync.exportFailedCsv',
            title: 'Export Failed Punches as CSV…',
          }),
        );
      return rows;
    } catch (e) {
      return [new StatusNode('error', 'Could not list the failed punches', e instanceof Error ? e.message : String(e))];
    }
  }
}
