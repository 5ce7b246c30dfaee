// The punch-to-checkin mapping panel (style rules 9 and 10): one panel per source, restored after a reload by a
// WebviewPanelSerializer from the source kept in the webview's state. Messages are validated on arrival and handled
// with an exhaustive switch; the host pages the rows, so the webview holds one page at a time.
import * as vscode from 'vscode';
import type { PunchOutcome, RunSummary } from '../../shared/model';
import {
  type MappingRow,
  parseWebviewState,
  parseWebviewToHost,
  type HostToWebview,
  type MappingSourceRef,
  type WebviewToHost,
} from '../../shared/webviewProtocol';
import type { HostLogger } from '../adapters/outputChannelLogger';
import { readUiSettings } from '../adapters/settings';
import { abortSignalFor } from '../cancellation';
import { Disposable } from '../disposable';
import type { EngineHost } from '../engineHost';
import { adviseOn } from '../errors';
import { localResourceRoots, webviewHtml } from './html';
import { collect, loadSource, removedDeviceText, type LoadedSource } from './mappingSource';

export const MAPPING_VIEW_TYPE = 'bioSync.mapping';

export interface PanelDeps {
  host: EngineHost;
  logger: HostLogger;
  extensionUri: vscode.Uri;
}

const refKey = (ref: MappingSourceRef): string =>
  ref.kind === 'failed' ? `failed:${ref.deviceId}` : `${ref.kind}:${ref.runId}`;

/** Creates, reveals and restores mapping panels. */
export class MappingPanels extends Disposable {
  private readonly panels = new Map<string, MappingPanel>();

  constructor(private readonly deps: PanelDeps) {
    super();
    this._register(
      vscode.window.registerWebviewPanelSerializer(MAPPING_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          const s = parseWebviewState(state);
          if (!s) {
            panel.dispose();
            return;
          }
          this.track(new MappingPanel(panel, this.deps, s.ref));
        },
      }),
    );
  }

  /** Opens (or reveals) the panel for `ref`. */
  async open(ref: MappingSourceRef): Promise<MappingPanel> {
    const existing = this.panels.get(refKey(ref));
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MAPPING_VIEW_TYPE, 'Punch Mapping', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(this.deps.extensionUri),
      // Not retained when hidden: the webview restores its page from getState and asks the host again.
    });
    return this.track(new MappingPanel(panel, this.deps, ref));
  }

  /** Open panels, for tests. */
  get openPanels(): MappingPanel[] {
    return [...this.panels.values()];
  }

  private track(p: MappingPanel): MappingPanel {
    const key = () => refKey(p.ref);
    this.panels.set(key(), p);
    p.onDidChangeRef(({ before }) => {
      this.panels.delete(refKey(before));
      this.panels.set(key(), p);
    });
    p.onDidDispose(() => this.panels.delete(key()));
    return p;
  }

  override dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    super.dispose();
  }
}

/** "Rerun from the punch mapping (Failed punches — HQ): 2 punch(es) → 1 created, 1 still failing." */
function rerunLogLine(where: string, asked: number, runs: RunSummary[]): string {
  const head = `Rerun from the punch mapping (${where}): ${asked} punch(es) asked`;
  if (!runs.length) return `${head}; none was still failing, nothing was rerun.`;
  return `${head} → ${runs.map((r) => `${r.status}${r.error ? ` (${r.error.message})` : ''}: ${r.counts.created} created, ${r.counts.duplicate} duplicate, ${r.counts.failed} still failing`).join('; ')}.`;
}

export class MappingPanel extends Disposable {
  private source: LoadedSource | undefined;
  private loading: Promise<LoadedSource | undefined> | undefined;
  private readonly refEmitter = this._register(new vscode.EventEmitter<{ before: MappingSourceRef }>());
  readonly onDidChangeRef = this.refEmitter.event;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  /** The webview said it is ready (its script listens and asks for its page); until then a reload reaches nobody. */
  ready = false;
  /** Valid page queries the webview sent, for tests. */
  queries = 0;
  /** Times the source was reloaded because a run elsewhere changed it, for tests. */
  reloads = 0;
  /** Runs this panel itself started (rerun, link, apply): their rows are updated in place, not reloaded. */
  private ownRuns = 0;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: PanelDeps,
    public ref: MappingSourceRef,
  ) {
    super();
    // A tab icon is drawn as an image, where currentColor is black: one icon per theme, or it vanishes in the dark.
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'tab-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'tab-dark.svg'),
    };
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(deps.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, {
      title: 'Punch Mapping',
      script: 'mapping',
      styles: ['mapping.css'],
    });
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this._register(panel.onDidDispose(() => this.dispose()));
    // A failed-punch list changes whenever its device runs (scheduled syncs retry transient failures, reruns from
    // the tree or another window's CLI), and so does what became of a run's failed punches (linked and rerun from
    // the tree, dismissed): reload so the operator never acts on a stale row.
    this._register(
      deps.host.onEvent((e) => {
        const finished = e.type === 'runFinished' && e.summary.kind !== 'dryRun';
        if (!finished && e.type !== 'stateChanged') return;
        if (this.ref.kind === 'plan' || !e.deviceId || e.deviceId !== this.deviceId) return;
        if (this.ownRuns > 0 || !this.ready) return;
        void this.reload();
      }),
    );
  }

  /** Reloads the source and tells the webview, which keeps its query and asks for its page again. Coalesced. */
  private reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        this.loading = undefined;
        const loaded = await this.load();
        if (this.disposed) return;
        this.reloads++;
        if (loaded) this.post({ type: 'source', source: loaded.info });
      } while (this.reloadAgain);
    })().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  /** Runs `fn` as the panel's own work: the runs it makes do not trigger a reload. */
  private async own<T>(fn: () => Promise<T>): Promise<T> {
    this.ownRuns++;
    try {
      return await fn();
    } finally {
      this.ownRuns--;
    }
  }

  /** The device whose punches the panel shows (known once loaded, or from the ref). */
  private get deviceId(): string | undefined {
    return this.source?.deviceId ?? (this.ref.kind === 'run' ? undefined : this.ref.deviceId);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** For tests: the row of a punch as the panel holds it. */
  row(key: string): MappingRow | undefined {
    return this.source?.dataset.get(key);
  }

  /** For tests: the tab icon. */
  get iconPath(): vscode.WebviewPanel['iconPath'] {
    return this.panel.iconPath;
  }

  /** For tests: the source header last loaded. */
  get info(): LoadedSource['info'] | undefined {
    return this.source?.info;
  }

  /** For tests: handle a message exactly as if the webview had sent it. */
  receive(msg: unknown): Promise<void> {
    return this.onMessage(msg);
  }

  get title(): string {
    return this.panel.title;
  }

  /** Notices posted to the webview, for tests. */
  readonly notices: string[] = [];

  private post(msg: HostToWebview): void {
    if (msg.type === 'notice') this.notices.push(msg.message);
    void this.panel.webview.postMessage(msg);
  }

  private load(): Promise<LoadedSource | undefined> {
    this.loading ??= (async () => {
      try {
        const engine = this.deps.host.requireEngine();
        const deviceName = (id: string) => {
          const s = this.deps.host.state;
          return s.kind === 'ready' ? s.config.devices.find((d) => d.id === id)?.name : undefined;
        };
        this.source = await loadSource(engine, this.ref, { deviceName });
        this.panel.title = `Punch Mapping: ${this.source.info.title}`;
        return this.source;
      } catch (e) {
        this.post({ type: 'notice', level: 'error', message: adviseOn(e).message });
        return undefined;
      }
    })();
    return this.loading;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = parseWebviewToHost(raw);
    if (!msg) {
      this.deps.logger.warn(
        `Mapping panel: ignored an invalid message (${typeof raw === 'object' && raw ? String((raw as { type?: unknown }).type) : typeof raw}).`,
      );
      return;
    }
    if (msg.type === 'ready') this.ready = true;
    else if (msg.type === 'query') this.queries++;
    try {
      await this.handle(msg);
    } catch (e) {
      this.post({ type: 'busy', busy: false });
      this.post({ type: 'notice', level: 'error', message: adviseOn(e).message });
    }
  }

  private async handle(msg: WebviewToHost): Promise<void> {
    switch (msg.type) {
      case 'ready': {
        this.post({ type: 'busy', busy: true, message: 'Loading punches…' });
        const src = await this.load();
        this.post({ type: 'busy', busy: false });
        if (src) this.post({ type: 'source', source: src.info });
        return;
      }
      case 'query': {
        const src = await this.load();
        if (src)
          this.post({ type: 'page', seq: msg.seq, ...src.dataset.query(msg.query, readUiSettings().mappingPageSize) });
        return;
      }
      case 'rerun':
        return this.own(() => this.rerun(msg.keys));
      case 'apply':
        return this.own(() => this.apply());
      case 'open':
        await vscode.commands.executeCommand('bioSync.openInFrappe', {
          deviceId: msg.deviceId,
          doctype: msg.doctype,
          name: msg.name,
        });
        return;
      case 'link': {
        const row = this.source?.dataset.get(msg.key);
        if (!row) return;
        if (row.outcome !== 'failed' || (row.now && row.now.state !== 'failing'))
          return this.post({
            type: 'notice',
            level: 'info',
            message: `Punch ${row.transactionId ?? row.key} of ${row.empCode} is no longer failing: ${row.nowText ?? row.outcome}.`,
          });
        const punch = {
          deviceId: row.deviceId,
          key: row.key,
          empCode: row.empCode,
          name: row.name,
          punchTime: row.punchTime,
          reason: row.reason ?? '',
          failure: row.failure,
          retryable: true,
        };
        const runs = await this.own(async () =>
          vscode.commands.executeCommand<RunSummary[] | undefined>('bioSync.linkEmployee', {
            kind: 'failedPunch',
            deviceId: row.deviceId,
            punch,
          }),
        );
        if (runs?.length) await this.applyRuns(runs);
        return;
      }
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  /** Reruns the failed rows among `keys` and replaces them in place with their new outcomes. */
  private async rerun(keys: string[]): Promise<void> {
    const src = this.source;
    if (!src) return;
    if (!src.info.canRerun)
      return this.post({
        type: 'notice',
        level: 'error',
        message: src.info.cannotRerun ?? 'This view cannot rerun punches.',
      });
    const failedKeys = keys.filter((k) => src.dataset.get(k)?.outcome === 'failed');
    if (!failedKeys.length)
      return this.post({ type: 'notice', level: 'info', message: 'None of the selected rows is a failed punch.' });
    const engine = this.deps.host.requireEngine();
    const s = this.deps.host.state;
    if (s.kind === 'ready' && !s.config.devices.some((d) => d.id === src.deviceId))
      return this.post({ type: 'notice', level: 'error', message: removedDeviceText(src.deviceId) });
    this.post({ type: 'busy', busy: true, message: `Rerunning ${failedKeys.length} punch(es)…` });
    const runs = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `BioTime Sync: rerunning ${failedKeys.length} punch(es)`,
        cancellable: true,
      },
      (_p, token) => engine.rerun({ deviceId: src.deviceId, keys: failedKeys, signal: abortSignalFor(token) }),
    );
    this.deps.logger.info(rerunLogLine(src.info.title, failedKeys.length, runs));
    await this.applyRuns(runs, failedKeys);
  }

  /**
   * Shows what `runs` did to this panel's punches. A failed-punch list shows the new outcomes in place; a run's
   * outcomes are history, so its rows keep them and are re-annotated with what became of each punch since.
   */
  private async applyRuns(runs: RunSummary[], asked?: string[]): Promise<void> {
    const src = this.source;
    if (!src) return;
    const engine = this.deps.host.requireEngine();
    const outcomes: PunchOutcome[] = [];
    for (const r of runs) outcomes.push(...(await collect(engine.runOutcomes(r.runId))));
    const mine = outcomes.filter((o) => src.dataset.get(o.key));
    if (this.ref.kind === 'failed') {
      const changed = src.dataset.replace(mine);
      this.post({ type: 'rowsUpdated', rows: changed, totals: src.dataset.totals() });
    } else {
      this.loading = undefined;
      const loaded = await this.load();
      this.reloads++;
      if (loaded) this.post({ type: 'source', source: loaded.info });
    }
    this.post({ type: 'busy', busy: false });
    const created = mine.filter((o) => o.outcome === 'created').length;
    const stillFailed = mine.filter((o) => o.outcome === 'failed').length;
    const notRerun = (asked ?? []).filter((k) => !mine.some((o) => o.key === k)).length;
    const error = runs.find((r) => r.status === 'failed')?.error;
    this.post({
      type: 'notice',
      level: error || stillFailed ? 'error' : 'info',
      message: error
        ? error.message
        : !mine.length && notRerun
          ? `Nothing was rerun: ${notRerun === 1 ? 'that punch is' : `those ${notRerun} punches are`} no longer failing (resolved or dismissed since).`
          : `Rerun: ${created} created, ${mine.length - created - stillFailed} other, ${stillFailed} still failing${notRerun ? `; ${notRerun} no longer failing, not rerun` : ''}.`,
    });
  }

  /** Runs the previewed sync for real and shows that run instead of the plan. */
  private async apply(): Promise<void> {
    const src = this.source;
    if (!src?.info.isPlan) return;
    this.post({ type: 'busy', busy: true, message: 'Syncing for real…' });
    const summary = await vscode.commands.executeCommand<RunSummary[] | undefined>('bioSync.syncNow', src.deviceId);
    const run = summary?.[0];
    if (!run || run.status === 'failed') {
      this.post({ type: 'busy', busy: false });
      this.post({ type: 'notice', level: 'error', message: run?.error?.message ?? 'The sync did not run.' });
      return;
    }
    const before = this.ref;
    this.ref = { kind: 'run', runId: run.runId };
    this.refEmitter.fire({ before });
    this.loading = undefined;
    const loaded = await this.load();
    this.post({ type: 'busy', busy: false });
    if (loaded) this.post({ type: 'source', source: loaded.info });
  }

  override dispose(): void {
    if (this.disposed) return;
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }
}
