// The data behind both trees (style rule 6): device status, runs and failed punches read from the engine, cached
// until an engine event says they changed, plus the live progress of running syncs. The providers only map this
// to TreeItems. Reads never throw: a failure is kept in `lastError` and shown as a status node.
import * as vscode from 'vscode';
import type { EngineEvent } from '../../core/engineApi';
import { errorMessage } from '../../core/errors';
import type { DeviceStatus, FailedPunch, PunchOutcome, RunSummary } from '../../shared/model';
import { Disposable } from '../disposable';
import type { EngineHost } from '../engineHost';
import { fateText, punchFates, type PunchNow } from './punchFate';

export interface LiveRun {
  runId: string;
  kind: RunSummary['kind'];
  processed: number;
  total: number;
}

/** A failed punch as the tree shows it: from the failed list, or from a run's outcomes (then maybe resolved since). */
export interface FailedPunchView {
  deviceId: string;
  key: string;
  empCode: string;
  name: string;
  punchTime: string;
  reason: string;
  failure?: string;
  employee?: string | null;
  runId?: string;
  /** Still in the device's failed list: can be rerun or dismissed. */
  retryable: boolean;
  /** For a run's failed punch no longer failing: what became of it (resolved, dismissed, or unknown). */
  fate?: PunchNow;
  fateText?: string;
  raw?: Record<string, unknown>;
}

/** Progress events arrive per page; the tree is repainted at most this often per device. */
const PROGRESS_REPAINT_MS = 400;
const MAX_RUN_FAILURES = 200;

export class SyncTreeModel extends Disposable {
  private statusPromise: Promise<DeviceStatus[]> | undefined;
  private readonly runsCache = new Map<string, Promise<RunSummary[]>>();
  private readonly failedCache = new Map<string, Promise<FailedPunch[]>>();
  private readonly liveRuns = new Map<string, LiveRun>();
  private readonly repaint = new Map<string, ReturnType<typeof setTimeout>>();
  lastError: string | undefined;

  private readonly changeEmitter = this._register(new vscode.EventEmitter<string | undefined>());
  /** Fires with a device id when only that device changed, undefined when everything may have. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(readonly host: EngineHost) {
    super();
    this._register(host.onDidChange(() => this.invalidate()));
    this._register(host.onEvent((e) => this.onEngineEvent(e)));
    this._register({ dispose: () => this.repaint.forEach((t) => clearTimeout(t)) });
  }

  live(deviceId: string): LiveRun | undefined {
    return this.liveRuns.get(deviceId);
  }

  /** Devices currently running a sync (for the status bar). */
  get runningCount(): number {
    return this.liveRuns.size;
  }

  invalidate(deviceId?: string): void {
    this.statusPromise = undefined;
    if (deviceId) {
      this.failedCache.delete(deviceId);
      this.failedCache.delete('*');
      for (const k of [...this.runsCache.keys()])
        if (k.startsWith(`${deviceId}|`) || k.startsWith('*|')) this.runsCache.delete(k);
    } else {
      this.runsCache.clear();
      this.failedCache.clear();
    }
    this.changeEmitter.fire(deviceId);
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'runStarted':
        this.liveRuns.set(e.deviceId, { runId: e.runId, kind: e.kind, processed: 0, total: 0 });
        this.invalidate(e.deviceId);
        return;
      case 'pageFetched':
      case 'punchesProcessed': {
        const live = this.liveRuns.get(e.deviceId);
        if (!live) return;
        if (e.type === 'punchesProcessed') live.processed = e.processed;
        live.total = e.total;
        this.scheduleRepaint(e.deviceId);
        return;
      }
      case 'runFinished':
        this.liveRuns.delete(e.deviceId);
        this.invalidate(e.deviceId);
        return;
      case 'stateChanged':
      case 'siteChanged':
        this.invalidate(e.deviceId);
        return;
      case 'outcome':
      case 'tickSkipped':
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  private scheduleRepaint(deviceId: string): void {
    if (this.repaint.has(deviceId)) return;
    this.repaint.set(
      deviceId,
      setTimeout(() => {
        this.repaint.delete(deviceId);
        this.changeEmitter.fire(deviceId);
      }, PROGRESS_REPAINT_MS),
    );
  }

  private async safe<T>(what: string, fallback: T, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (e) {
      this.lastError = `Could not read ${what}: ${errorMessage(e)}`;
      return fallback;
    }
  }

  status(): Promise<DeviceStatus[]> {
    const s = this.host.state;
    if (s.kind !== 'ready') return Promise.resolve([]);
    this.statusPromise ??= this.safe('the device status', [], () => s.engine.status());
    return this.statusPromise;
  }

  runs(deviceId: string | undefined, limit: number): Promise<RunSummary[]> {
    const s = this.host.state;
    if (s.kind !== 'ready') return Promise.resolve([]);
    const key = `${deviceId ?? '*'}|${limit}`;
    let p = this.runsCache.get(key);
    if (!p) this.runsCache.set(key, (p = this.safe('the run history', [], () => s.engine.listRuns(deviceId, limit))));
    return p;
  }

  failed(deviceId: string): Promise<FailedPunch[]> {
    const s = this.host.state;
    if (s.kind !== 'ready') return Promise.resolve([]);
    let p = this.failedCache.get(deviceId);
    if (!p)
      this.failedCache.set(deviceId, (p = this.safe('the failed punches', [], () => s.engine.listFailed(deviceId))));
    return p;
  }

  /** Every device's failed punches (removed devices' too), for the Failed Punches list and the status bar. */
  allFailed(): Promise<FailedPunch[]> {
    const s = this.host.state;
    if (s.kind !== 'ready') return Promise.resolve([]);
    let p = this.failedCache.get('*');
    if (!p) this.failedCache.set('*', (p = this.safe('the failed punches', [], () => s.engine.listFailed())));
    return p;
  }

  /** The failed outcomes of a run (at most MAX_RUN_FAILURES), marked retryable when they are still failing. */
  async runFailures(run: RunSummary): Promise<FailedPunchView[]> {
    const s = this.host.state;
    if (s.kind !== 'ready' || !run.counts.failed) return [];
    const configured = s.config.devices.some((d) => d.id === run.deviceId);
    // A removed device's failed punches cannot be rerun or dismissed from here any more.
    const stillFailing = new Map(configured ? (await this.failed(run.deviceId)).map((f) => [f.key, f]) : []);
    return this.safe('the run outcomes', [], async () => {
      const out: FailedPunchView[] = [];
      for await (const o of s.engine.runOutcomes(run.runId)) {
        if (o.outcome !== 'failed') continue;
        out.push(fromOutcome(o, stillFailing.get(o.key)));
        if (out.length >= MAX_RUN_FAILURES) break;
      }
      if (!configured) {
        for (const p of out) p.fateText = `device ${run.deviceId} was removed`;
        return out;
      }
      const gone = out.filter((p) => !p.retryable).map((p) => p.key);
      const fates = await punchFates(s.engine, run.deviceId, run.runId, gone);
      const now = new Date();
      for (const p of out) {
        const fate = fates.get(p.key);
        if (fate) {
          p.fate = fate;
          p.fateText = fateText(fate, now);
        }
      }
      return out;
    });
  }
}

export function fromFailed(f: FailedPunch): FailedPunchView {
  return {
    deviceId: f.deviceId,
    key: f.key,
    empCode: f.empCode,
    name: f.name,
    punchTime: f.punchTime,
    reason: f.reason,
    failure: f.failure,
    runId: f.runId,
    retryable: true,
    raw: f.raw,
  };
}

function fromOutcome(o: PunchOutcome, failed: FailedPunch | undefined): FailedPunchView {
  return {
    deviceId: o.deviceId,
    key: o.key,
    empCode: o.empCode,
    name: o.name,
    punchTime: o.punchTime,
    reason: o.reason ?? 'failed',
    failure: o.failure,
    employee: o.employee,
    retryable: !!failed,
    raw: failed?.raw,
  };
}
