// The status bar item: idle / syncing N / N failing / N need attention / settings problem, the reasons in its
// tooltip; clicking it opens the failed punches when some wait, the settings when they are wrong, else the view.
import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { barState, barText } from './statusBarState';
import type { SyncTreeModel } from './tree/treeModel';

export class SyncStatusBar extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('bioSync.status', vscode.StatusBarAlignment.Left, 50),
  );
  private pending: Promise<void> | undefined;
  private dirty = false;

  constructor(private readonly model: SyncTreeModel) {
    super();
    this.item.name = 'BioTime Sync';
    this.item.command = 'workbench.view.extension.bioSync';
    this._register(model.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  /** What the item shows, for tests. */
  get shown(): { text: string; tooltip: string; command: string } {
    return { text: this.item.text, tooltip: String(this.item.tooltip ?? ''), command: String(this.item.command ?? '') };
  }

  /** Resolves once the renders queued so far are done, for tests. */
  async settled(): Promise<void> {
    while (this.pending) await this.pending;
  }

  /** Coalesces bursts of changes into one read of the status. */
  update(): void {
    if (this.pending) {
      this.dirty = true;
      return;
    }
    this.pending = this.render().finally(() => {
      this.pending = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.update();
      }
    });
  }

  private async render(): Promise<void> {
    const host = this.model.host;
    const state = host.state;
    const statuses = await this.model.status();
    if (this.disposed) return;
    const s = barState(
      state.kind,
      state.kind === 'invalid' ? state.issues.length : 0,
      this.model.runningCount,
      statuses,
      host.role === 'follower',
      host.role === 'stopped',
    );
    const t = barText(s);
    this.item.text = t.text;
    this.item.tooltip = t.tooltip;
    this.item.command = t.command;
    this.item.backgroundColor = t.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}
