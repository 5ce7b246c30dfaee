// The operations console panels: the dashboard (all sites or one) and the punch history with lineage. One panel of
// each kind, revealed when opened again and restored after a window reload (WebviewPanelSerializer). They only
// read: the history files under the state directory (no lock is needed to read them), the Shift Type history and
// the engine's status; nothing here writes a punch, a checkin or the sync state.
import * as vscode from 'vscode';
import { DEFAULT_HISTORY_DAYS, PunchHistory } from '../../core/history/punchHistory';
import { buildReport } from '../../core/history/report';
import { missingCheckouts } from '../../core/history/missingCheckouts';
import type { SyncConfig } from '../../core/configTypes';
import { recentShiftHistory } from '../../core/state/shiftHistoryFile';
import type { ShiftHistoryPoint } from '../../shared/model';
import {
  parseDashboardToHost,
  parseHistoryToHost,
  type HistoryFilters,
  type HostToDashboard,
  type HostToHistory,
} from '../../shared/consoleProtocol';
import type { HostLogger } from '../adapters/outputChannelLogger';
import { Disposable } from '../disposable';
import type { EngineHost } from '../engineHost';
import { adviseOn } from '../errors';
import { localResourceRoots, webviewHtml } from './html';

export interface ConsoleDeps {
  host: EngineHost;
  logger: HostLogger;
  extensionUri: vscode.Uri;
}

export const DASHBOARD_VIEW_TYPE = 'bioSync.dashboard';
export const HISTORY_VIEW_TYPE = 'bioSync.history';
const DASHBOARD_TITLE = 'BioTime Sync Dashboard';
const HISTORY_TITLE = 'Punch History';

/** The operator's zone: the one VS Code runs in. */
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export class ConsolePanels extends Disposable {
  private dashboard: vscode.WebviewPanel | undefined;
  /** The site the dashboard's last report was for (null: all sites). */
  private dashboardSite: string | null = null;
  private historyPanel: vscode.WebviewPanel | undefined;

  constructor(private readonly deps: ConsoleDeps) {
    super();
  }

  private config(): SyncConfig {
    const s = this.deps.host.state;
    return s.kind === 'ready' ? s.config : { sites: [], devices: [] };
  }

  private history(): PunchHistory {
    const cfg = this.config();
    return new PunchHistory(this.deps.host.stateDir, {
      now: () => new Date(),
      historyDays: () => cfg.historyDays ?? DEFAULT_HISTORY_DAYS,
      listRuns: async () => [],
    });
  }

  private async devices(h: PunchHistory): Promise<{ id: string; site: string; dir: string }[]> {
    const known = new Map(this.config().devices.map((x) => [x.id, x.site]));
    for (const id of await h.devices()) if (!known.has(id)) known.set(id, '');
    return [...known].map(([id, site]) => ({ id, site, dir: h.deviceDir(id) }));
  }

  private panel(viewType: string, title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: localResourceRoots(this.deps.extensionUri),
    });
  }

  /** Gives a new or restored panel its page (a restored one keeps only its webview state). */
  private fill(p: vscode.WebviewPanel, title: string, script: string): void {
    p.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(this.deps.extensionUri) };
    p.webview.html = webviewHtml(p.webview, this.deps.extensionUri, { title, script, styles: ['console.css'] });
  }

  /** Restores the panels left open when the window reloaded; their pages keep their scope in the webview state. */
  registerSerializers(): void {
    for (const kind of ['dashboard', 'history'] as const)
      this._register(
        vscode.window.registerWebviewPanelSerializer(kind === 'dashboard' ? DASHBOARD_VIEW_TYPE : HISTORY_VIEW_TYPE, {
          deserializeWebviewPanel: (panel) => Promise.resolve(this.restore(kind, panel)),
        }),
      );
  }

  /** What the serializer does with a panel VS Code restores (public for the extension-host tests). */
  restore(kind: 'dashboard' | 'history', panel: vscode.WebviewPanel): void {
    // One panel of each kind: a second one (never created by this extension) is closed.
    if ((kind === 'dashboard' ? this.dashboard : this.historyPanel) !== undefined) return panel.dispose();
    if (kind === 'dashboard') this.attachDashboard(panel);
    else this.attachHistory(panel, {});
  }

  /** Types of the messages posted to the panels, newest last (for tests: a 'report' proves the page asked). */
  readonly posted: string[] = [];

  private note(type: string): void {
    this.posted.push(type);
    if (this.posted.length > 100) this.posted.shift();
  }

  /** The dashboard's reports, newest last (for tests: what the page draws, its heading naming `site`). */
  readonly reports: Extract<HostToDashboard, { type: 'report' }>[] = [];

  /** The open panels, for tests. */
  get open(): { dashboard?: vscode.WebviewPanel; history?: vscode.WebviewPanel } {
    return { dashboard: this.dashboard, history: this.historyPanel };
  }

  showDashboard(site?: string): void {
    // Asked for one site, or for all sites (the palette, the view title) while the panel shows one: the page is built
    // again for what was asked. Only all sites asked while all sites are shown just brings the panel forward.
    if (this.dashboard && (site !== undefined || this.dashboardSite !== null)) {
      this.dashboard.dispose();
      this.dashboard = undefined;
    }
    if (this.dashboard) return this.dashboard.reveal();
    this.attachDashboard(this.panel(DASHBOARD_VIEW_TYPE, DASHBOARD_TITLE), site);
  }

  private attachDashboard(p: vscode.WebviewPanel, site?: string): void {
    this.dashboard = p;
    this.fill(p, DASHBOARD_TITLE, 'dashboard');
    const post = (m: HostToDashboard) => {
      this.note(`dashboard:${m.type}`);
      if (m.type === 'report' && this.reports.push(m) > 10) this.reports.shift();
      void p.webview.postMessage(m);
    };
    let first = site ?? null;
    p.webview.onDidReceiveMessage(async (raw) => {
      const m = parseDashboardToHost(raw);
      if (!m) return this.deps.logger.warn('Dashboard: ignored a malformed message from the webview.');
      try {
        switch (m.type) {
          case 'ready':
            return;
          case 'show': {
            const h = this.history();
            const wanted = first ?? m.site;
            first = null;
            const engine = this.deps.host.state.kind === 'ready' ? this.deps.host.requireEngine() : undefined;
            const report = await buildReport({
              devices: await this.devices(h),
              days: m.range,
              zone: zone(),
              now: new Date(),
              site: wanted ?? undefined,
              status: engine ? await engine.status() : [],
              shifts: engine ? await engine.shiftStatus() : [],
            });
            this.dashboardSite = wanted;
            return post({
              type: 'report',
              report,
              sites: this.config().sites.map((s) => s.id),
              site: wanted,
              range: m.range,
              shiftHistory: await this.shiftHistory(wanted, m.range),
            });
          }
          case 'missing': {
            const missing = await missingCheckouts({
              history: this.history(),
              devices: await this.devices(this.history()),
              date: m.date,
              shiftSites: new Set(
                this.config()
                  .sites.filter((s) => s.shiftTypes.length)
                  .map((s) => s.id),
              ),
            });
            return post({ type: 'missing', date: m.date, missing });
          }
          default:
            return ((x: never) => x)(m);
        }
      } catch (e) {
        post({ type: 'error', message: adviseOn(e).message });
      }
    });
    p.onDidDispose(() => {
      if (this.dashboard === p) [this.dashboard, this.dashboardSite] = [undefined, null];
    });
  }

  showHistory(filters: Partial<HistoryFilters> = {}): void {
    if (this.historyPanel) return this.historyPanel.reveal();
    this.attachHistory(this.panel(HISTORY_VIEW_TYPE, HISTORY_TITLE), filters);
  }

  private attachHistory(p: vscode.WebviewPanel, filters: Partial<HistoryFilters>): void {
    this.historyPanel = p;
    this.fill(p, HISTORY_TITLE, 'history');
    const post = (m: HostToHistory) => {
      this.note(`history:${m.type}`);
      void p.webview.postMessage(m);
    };
    p.webview.onDidReceiveMessage(async (raw) => {
      const m = parseHistoryToHost(raw);
      if (!m) return this.deps.logger.warn('Punch history: ignored a malformed message from the webview.');
      const h = this.history();
      try {
        switch (m.type) {
          case 'ready': {
            const devices = await this.devices(h);
            return post({
              type: 'init',
              devices: devices.map((x) => x.id),
              sites: this.config().sites.map((s) => s.id),
              filters: { limit: 200, ...filters },
            });
          }
          case 'search': {
            const f = m.filters;
            const ids = (await this.devices(h))
              .filter((x) => (!f.device || x.id === f.device) && (!f.site || x.site === f.site))
              .map((x) => x.id);
            const result = await h.search(ids, {
              empCode: f.code,
              employee: f.employee,
              name: f.name,
              from: f.from,
              to: f.to,
              zone: zone(),
              outcome: f.outcome,
              terminal: f.terminal,
              limit: f.limit,
            });
            return post({ type: 'results', seq: m.seq, result });
          }
          case 'open': {
            const lineage = (await h.lineage(m.deviceId, m.key, m.punchTime)) ?? null;
            let checkinUrl: string | null = null;
            const configured = this.config().devices.some((x) => x.id === m.deviceId);
            if (lineage && configured) {
              const engine = this.deps.host.requireEngine();
              if (lineage.punch.checkin)
                checkinUrl = engine.deskUrl(m.deviceId, 'Employee Checkin', lineage.punch.checkin);
              if (!lineage.raw)
                lineage.raw = await this.rawRecord(m.deviceId, lineage.punch.key, lineage.punch.transactionId);
            }
            return post({ type: 'lineage', lineage, checkinUrl });
          }
          case 'openCheckin': {
            const url = this.deps.host.requireEngine().deskUrl(m.deviceId, 'Employee Checkin', m.name);
            await vscode.env.openExternal(vscode.Uri.parse(url));
            return;
          }
          default:
            return ((x: never) => x)(m);
        }
      } catch (e) {
        post({ type: 'error', message: adviseOn(e).message });
      }
    });
    p.onDidDispose(() => {
      if (this.historyPanel === p) this.historyPanel = undefined;
    });
  }

  /** The Shift Type decisions of the sites shown, over the last `days` days. */
  private shiftHistory(site: string | null, days: number): Promise<{ site: string; points: ShiftHistoryPoint[] }[]> {
    return recentShiftHistory(this.deps.host.stateDir, this.config().sites, site, days, new Date());
  }

  /** The BioTime record of a punch: the failed list keeps it for failed punches, else BioTime is asked. */
  private async rawRecord(deviceId: string, key: string, id: number | null): Promise<Record<string, unknown> | null> {
    const engine = this.deps.host.requireEngine();
    const failed = (await engine.listFailed(deviceId)).find((f) => f.key === key);
    if (failed) return failed.raw;
    if (id === null) return null;
    try {
      return await engine.transaction(deviceId, id);
    } catch (e) {
      this.deps.logger.warn(`Punch history: could not read BioTime transaction ${id}: ${adviseOn(e).message}`);
      return null;
    }
  }

  override dispose(): void {
    this.dashboard?.dispose();
    this.historyPanel?.dispose();
    super.dispose();
  }
}
