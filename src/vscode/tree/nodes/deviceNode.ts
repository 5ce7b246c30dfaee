import * as vscode from 'vscode';
import type { DeviceHealth, DeviceStatus } from '../../../shared/model';
import { actionsFor, FIX_COMMANDS } from '../../errors';
import { sandboxState } from '../../sandboxState';
import { contextValue, ContextBase } from '../contextValues';
import { relativeTime } from '../format';
import { notRunnerText } from '../../runnerPolicy';
import type { NodeRef } from '../nodeRef';
import { FailedGroupNode } from './failedGroupNode';
import { runItems } from './runItems';
import { StatusNode } from './statusNode';
import { TreeNode, type TreeContext } from './treeNode';

const HEALTH_ICONS: Record<DeviceHealth, vscode.ThemeIcon> = {
  ok: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  never: new vscode.ThemeIcon('circle-large-outline'),
  running: new vscode.ThemeIcon('sync~spin'),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  disabled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

export class DeviceNode extends TreeNode {
  override readonly ref: NodeRef;

  constructor(
    readonly status: DeviceStatus,
    private readonly ctx: TreeContext,
    parent?: TreeNode,
  ) {
    super(parent);
    this.ref = { kind: 'device', deviceId: status.deviceId };
  }

  private describe(now: Date): string {
    const s = this.status;
    // Said first: a scheduled attempt on it is bound to fail, "syncing…" would suggest otherwise.
    if (sandboxState.isStopped(s.deviceId)) return 'sandbox demo · its servers are not running in this window';
    const live = this.ctx.model.live(s.deviceId);
    if (live) return live.total ? `syncing ${live.processed}/${live.total}` : 'syncing…';
    if (!s.enabled) return `disabled · last sync ${relativeTime(s.lastSyncAt, now)}`;
    if (!this.ctx.host.runsHere(s.deviceId))
      return `${notRunnerText(this.ctx.host.devicesShared).description} · synced ${relativeTime(s.lastSyncAt, now)}`;
    // A failing device has not synced "just now": say when it last succeeded, and that the next run is a retry.
    const parts =
      s.health === 'error'
        ? [
            `failing ×${s.consecutiveFailures}`,
            s.lastSyncAt ? `last good sync ${relativeTime(s.lastSyncAt, now)}` : 'never synced',
          ]
        : [`synced ${relativeTime(s.lastSyncAt, now)}`];
    const next = this.nextText(now);
    if (next) parts.push(next);
    return parts.join(' · ');
  }

  /**
   * When the scheduler runs this device next, from the device's state as the engine reads it after every run (the
   * scheduler's own table is only refreshed at its next tick, so right after a run it still says "now").
   */
  private nextText(now: Date): string | undefined {
    const s = this.status;
    const role = this.ctx.host.role;
    if (role === 'stopped') return 'scheduler off';
    if (role !== 'runner' || !s.nextRunAt) return undefined;
    const verb = s.health === 'error' ? 'retry' : 'next';
    return Date.parse(s.nextRunAt) <= now.getTime() ? `${verb} due now` : `${verb} ${relativeTime(s.nextRunAt, now)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const s = this.status;
    const now = this.ctx.now();
    const running = !!this.ctx.model.live(s.deviceId) || s.health === 'running';
    const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `device:${s.deviceId}`;
    item.description = this.describe(now);
    item.iconPath = HEALTH_ICONS[running ? 'running' : s.health];
    item.contextValue = contextValue(ContextBase.device, {
      enabled: s.enabled,
      disabled: !s.enabled,
      running,
      error: s.health === 'error',
      failed: s.failedCount > 0,
      runnerHere: this.ctx.host.runsHere(s.deviceId),
      notRunnerHere: !this.ctx.host.runsHere(s.deviceId),
    });
    const md = new vscode.MarkdownString(undefined, true);
    // Inside a code span markdown escapes are shown as typed: the id goes in as is (ids never contain a backtick).
    md.appendMarkdown(`**${escape(s.name)}** \`${s.deviceId}\`\n\n`);
    const site =
      this.ctx.host.state.kind === 'ready'
        ? this.ctx.host.state.config.devices.find((d) => d.id === s.deviceId)?.site
        : undefined;
    if (site) md.appendMarkdown(`Site: ${escape(site)}  \n`);
    md.appendMarkdown(
      `Last sync: ${s.lastSyncAt ? `${new Date(s.lastSyncAt).toLocaleString()} (${relativeTime(s.lastSyncAt, now)})` : 'never'}  \n`,
    );
    if (s.nextRunAt && s.enabled)
      md.appendMarkdown(
        this.ctx.host.role === 'stopped'
          ? 'Next run: none scheduled (bioSync.scheduler.enabled is off)  \n'
          : `Next run: ${Date.parse(s.nextRunAt) <= now.getTime() ? 'due now' : relativeTime(s.nextRunAt, now)}${this.ctx.host.role === 'follower' ? ' (in the window that runs the syncs)' : ''}  \n`,
      );
    md.appendMarkdown(`Cursor (last transaction id): ${s.cursor ?? '—'}  \nFailed punches: ${s.failedCount}`);
    const watched = s.watchedGaps.reduce((n, g) => n + g.to - g.from + 1, 0);
    if (watched)
      md.appendMarkdown(`  \nWatched ids below the cursor: ${watched} (not seen yet; every run looks for them)`);
    if (s.lastError)
      md.appendMarkdown(
        `\n\n$(error) ${escape(s.lastError.message)}${s.lastError.hint ? `\n\n${escape(s.lastError.hint)}` : ''}`,
      );
    if (!this.ctx.host.runsHere(s.deviceId))
      md.appendMarkdown(`\n\n$(info) ${escape(notRunnerText(this.ctx.host.devicesShared).tooltip)}`);
    const offline = s.terminals.filter((t) => t.offline);
    if (offline.length)
      md.appendMarkdown(`\n\n$(warning) Terminals offline: ${offline.map((t) => escape(t.alias || t.sn)).join(', ')}`);
    item.tooltip = md;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const s = this.status;
    const out: TreeNode[] = [];
    if (sandboxState.isStopped(s.deviceId)) {
      out.push(
        new StatusNode(
          'info',
          'Sandbox servers stopped (the window reloaded or closed)',
          'start them again',
          { command: 'bioSync.trySandbox', title: 'Try with the Built-in Sandbox' },
          this,
        ),
        new StatusNode(
          'info',
          'Remove the sandbox demo device',
          'it syncs nothing real',
          { command: 'bioSync.removeDevice', title: 'Remove Device…', arguments: [s.deviceId] },
          this,
        ),
      );
    } else if (s.health === 'error' && s.lastError) {
      const fix = actionsFor(s.lastError.code, s.lastError).find((a) => a !== 'showLog') ?? 'testConnection';
      const command = FIX_COMMANDS[fix];
      out.push(
        new StatusNode(
          'error',
          s.lastError.message,
          s.lastError.hint,
          { command, title: 'Fix', arguments: [s.deviceId] },
          this,
        ),
      );
    }
    if (s.enabled && !this.ctx.host.runsHere(s.deviceId))
      out.push(
        new StatusNode(
          'info',
          'Not synced on a schedule by this machine',
          this.ctx.host.devicesShared ? 'shared workspace device: choose one machine as its runner' : 'stopped here',
          { command: 'bioSync.runHere', title: 'Sync This Device on a Schedule Here', arguments: [s.deviceId] },
          this,
        ),
      );
    const offline = s.terminals.filter((t) => t.offline);
    if (offline.length)
      out.push(
        new StatusNode(
          'warning',
          `${offline.length} terminal(s) offline`,
          offline.map((t) => t.alias || t.sn).join(', '),
          undefined,
          this,
        ),
      );
    const runs = await this.ctx.model.runs(s.deviceId, this.ctx.ui().recentRuns);
    out.push(...runItems(runs, this.ctx, false, this));
    if (s.failedCount > 0) out.push(new FailedGroupNode(s.deviceId, s.failedCount, this.ctx, this));
    return out;
  }
}

export function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
