// The engine's state as a directory of plain files (the CLI's --state-dir, the extension's global storage):
//   devices/<id>.json    cursor, lastSyncAt, failures, user-control memory       (atomic rewrite)
//   failed/<id>.jsonl    failed punches with their raw BioTime records           (append-only journal)
//   dismissed/<id>.jsonl failed punches the operator dismissed, with when          (append-only, one per line)
//   inflight/<id>.json   checkin writes in flight (crash recovery journal)       (atomic rewrite)
//   runs/<runId>.json    run summary                                             (atomic rewrite)
//   runs/<runId>.jsonl   per-punch outcomes, appended and fsync'd page by page
//   sites/<id>.json      the latest Shift Type decisions; sites/<id>.shifts.json their bounded history
// A corrupt file is moved aside, reported in `problems`, and replaced by defaults: it never crashes the engine
// and never touches the other devices' files. Secrets never go here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { DismissedPunch, FailedPunch, PunchOutcome, RunSummary } from '../../shared/model';
import type { FailedKeys, FailedPrefilter, RunRecordWriter, SyncStateStore } from '../ports';
import type { DeviceState, InflightEntry, SiteState } from '../types';
import { isDiskFull, StateError } from '../errors';
import { overwriteInPlace, quarantine, readJsonFile, removeStaleTemps, writeFileAtomic } from './atomicFile';
import { FailedJournal } from './failedJournal';
import { appendShiftHistory, shiftHistoryFile } from './shiftHistoryFile';

export const RUNS_KEPT_PER_DEVICE = 200;

/**
 * A run summary is written padded to this size when the run starts, so that its final version can still be written
 * over the same blocks when the disk fills up during the run (a new file cannot be written then).
 */
export const RUN_SUMMARY_RESERVE = 4096;

export function emptyDeviceState(): DeviceState {
  return { lastSyncAt: null, lastAttemptAt: null, cursor: null, consecutiveFailures: 0, userControlMemory: {} };
}

/** A line of a run's outcome file: an outcome, or a later patch of one (the user-control result). */
type RunLine = { t: 'o'; o: PunchOutcome } | { t: 'p'; key: string; patch: Partial<PunchOutcome> };

export class FileStateStore implements SyncStateStore {
  readonly problems: string[] = [];
  private readonly journals = new Map<string, FailedJournal>();

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private file(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  private async readOr<T>(file: string, fallback: T, what: string): Promise<T> {
    const r = await readJsonFile<T>(file);
    if (r.kind === 'ok' && r.value !== null && typeof r.value === 'object') return r.value;
    if (r.kind === 'missing') return fallback;
    const aside = await quarantine(file, this.now());
    const msg = `${what} (${file}) was unreadable (${r.kind === 'corrupt' ? r.error : 'not an object'}); moved to ${path.basename(aside)} and started afresh.`;
    this.problems.push(msg);
    return fallback;
  }

  async loadDevice(deviceId: string): Promise<DeviceState> {
    const s = await this.readOr<Partial<DeviceState>>(
      this.file('devices', `${safe(deviceId)}.json`),
      {},
      `State of device ${deviceId}`,
    );
    return { ...emptyDeviceState(), ...s, userControlMemory: { ...(s.userControlMemory ?? {}) } };
  }

  async saveDevice(deviceId: string, state: DeviceState): Promise<void> {
    await this.writing(writeFileAtomic(this.file('devices', `${safe(deviceId)}.json`), JSON.stringify(state)));
  }

  /** Turns "no space left" into an error naming the state directory; other errors pass unchanged. */
  private async writing<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (!isDiskFull(e) || StateError.is(e)) throw e;
      throw new StateError(
        'diskFull',
        `The disk holding the state directory ${this.dir} is full (${(e as NodeJS.ErrnoException).code}).`,
        `Free space on that disk, then run again.`,
        { cause: e },
      );
    }
  }

  async loadSite(siteId: string): Promise<SiteState> {
    const s = await this.readOr<Partial<SiteState>>(
      this.file('sites', `${safe(siteId)}.json`),
      {},
      `State of site ${siteId}`,
    );
    return { shiftSync: Array.isArray(s.shiftSync) ? s.shiftSync : [], checkedAt: s.checkedAt ?? null };
  }

  async saveSite(siteId: string, state: SiteState): Promise<void> {
    await this.writing(writeFileAtomic(this.file('sites', `${safe(siteId)}.json`), JSON.stringify(state)));
    // The decisions are saved above (what the next run and `shiftStatus` read); their history is only for the
    // dashboard, so a failure to extend it is reported and never undoes or fails the decision itself.
    try {
      await appendShiftHistory(this.dir, siteId, state.checkedAt ?? this.now().toISOString(), state.shiftSync);
    } catch (e) {
      this.problems.push(
        `The Shift Type history of site ${siteId} (${shiftHistoryFile(this.dir, siteId)}) could not be extended: ${(e as Error).message}. The decisions themselves were saved.`,
      );
    }
  }

  async listFailed(
    deviceId?: string,
    where?: (f: FailedPunch) => boolean,
    pre?: FailedPrefilter,
  ): Promise<FailedPunch[]> {
    const ids = deviceId ? [deviceId] : await this.deviceIdsIn('failed');
    const out: FailedPunch[] = [];
    for (const id of ids) out.push(...(await this.failed(id).read(where, pre)));
    return out.sort((a, b) =>
      a.punchTime < b.punchTime ? -1 : a.punchTime > b.punchTime ? 1 : a.key.localeCompare(b.key),
    );
  }

  failedKeys(deviceId: string): Promise<FailedKeys> {
    return this.failed(deviceId).liveKeys();
  }

  private failed(deviceId: string): FailedJournal {
    let j = this.journals.get(deviceId);
    if (!j) this.journals.set(deviceId, (j = new FailedJournal(this.file('failed', `${safe(deviceId)}.jsonl`))));
    return j;
  }

  async updateFailed(deviceId: string, upsert: FailedPunch[], remove: string[]): Promise<void> {
    if (!upsert.length && !remove.length) return;
    await this.writing(fs.promises.mkdir(this.file('failed'), { recursive: true, mode: 0o700 }));
    await this.writing(this.failed(deviceId).update(upsert, remove));
  }

  async editFailed(deviceId: string, edited: FailedPunch[]): Promise<void> {
    if (!edited.length) return;
    await this.writing(this.failed(deviceId).update(edited, [], true));
  }

  async dismissFailed(deviceId: string, keys: string[], at: Date): Promise<DismissedPunch[]> {
    const wanted = new Set(keys);
    const failed = new Map((await this.failed(deviceId).read((f) => wanted.has(f.key))).map((f) => [f.key, f]));
    const dismissed = [...wanted]
      .map((k) => failed.get(k))
      .filter((f): f is FailedPunch => !!f)
      .map((f) => ({ ...f, dismissedAt: at.toISOString() }));
    if (!dismissed.length) return [];
    // Recorded as dismissed before leaving the failed list: a crash in between leaves it failing (and retried),
    // never gone without a trace, which a view would take for "resolved".
    await fs.promises.mkdir(this.file('dismissed'), { recursive: true, mode: 0o700 });
    const fh = await fs.promises.open(this.file('dismissed', `${safe(deviceId)}.jsonl`), 'a', 0o600);
    try {
      await fh.write('\n' + dismissed.map((d) => JSON.stringify(d)).join('\n') + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.updateFailed(
      deviceId,
      [],
      dismissed.map((d) => d.key),
    );
    return dismissed;
  }

  async listDismissed(deviceId?: string): Promise<DismissedPunch[]> {
    const ids = deviceId ? [deviceId] : await this.deviceIdsIn('dismissed');
    const out: DismissedPunch[] = [];
    for (const id of ids) {
      const file = this.file('dismissed', `${safe(id)}.jsonl`);
      if (!fs.existsSync(file)) continue;
      for await (const line of lines(file)) {
        if (!line) continue;
        try {
          const d = JSON.parse(line) as DismissedPunch;
          if (d?.key && d.dismissedAt) out.push(d);
        } catch {
          // a line torn by a crash: that punch is still in the failed list (recorded here first)
        }
      }
    }
    return out;
  }

  async setInflight(deviceId: string, entries: InflightEntry[]): Promise<void> {
    const file = this.file('inflight', `${safe(deviceId)}.json`);
    if (!entries.length) {
      await fs.promises.rm(file, { force: true });
      return;
    }
    await this.writing(writeFileAtomic(file, JSON.stringify(entries)));
  }

  async getInflight(deviceId: string): Promise<InflightEntry[]> {
    const v = await this.readOr<InflightEntry[]>(
      this.file('inflight', `${safe(deviceId)}.json`),
      [],
      `Write journal of device ${deviceId}`,
    );
    return Array.isArray(v) ? v : [];
  }

  async startRun(summary: RunSummary): Promise<RunRecordWriter> {
    const base = this.file('runs', safe(summary.runId));
    await this.writing(writeFileAtomic(`${base}.json`, padded(JSON.stringify(summary))));
    await this.pruneRuns(summary.deviceId);
    const fh = await this.writing(fs.promises.open(`${base}.jsonl`, 'a', 0o600));
    let closed = false;
    const writeLines = async (lines: Array<RunLine | string>) => {
      if (!lines.length || closed) return;
      await this.writing(
        (async () => {
          await fh.write(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
          await fh.sync();
        })(),
      );
    };
    return {
      // `{"t":"o","o":<outcome>}`: the same bytes as JSON.stringify({ t: 'o', o }).
      append: (outcomes, json) =>
        writeLines(
          json?.length === outcomes.length
            ? json.map((j) => `{"t":"o","o":${j}}`)
            : outcomes.map((o): RunLine => ({ t: 'o', o })),
        ),
      patch: (patches) => writeLines(patches.map((p) => ({ t: 'p', key: p.key, patch: p.patch }))),
      finish: async (final) => {
        if (!closed) {
          closed = true;
          await fh.close().catch(() => undefined);
        }
        const text = JSON.stringify(final);
        try {
          await this.writing(writeFileAtomic(`${base}.json`, text));
        } catch (e) {
          // The disk is full: the summary reserved at the start is overwritten where it lies, so the run is not
          // left "running" (and later called interrupted) for want of a few hundred bytes.
          if (!StateError.is(e, 'diskFull') || !(await overwriteInPlace(`${base}.json`, text))) throw e;
          return 'diskFull';
        }
      },
    };
  }

  async updateRun(summary: RunSummary): Promise<void> {
    await this.writing(writeFileAtomic(this.file('runs', `${safe(summary.runId)}.json`), JSON.stringify(summary)));
  }

  async listRuns(deviceId?: string, limit = 50): Promise<RunSummary[]> {
    const names = await fs.promises.readdir(this.file('runs')).catch(() => [] as string[]);
    // Run ids start with a sortable timestamp, so the newest are last by name.
    const summaries = names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .reverse();
    const out: RunSummary[] = [];
    for (const n of summaries) {
      if (out.length >= limit) break;
      const r = await readJsonFile<RunSummary>(this.file('runs', n));
      if (r.kind !== 'ok') continue;
      if (!deviceId || r.value.deviceId === deviceId) out.push(r.value);
    }
    return out;
  }

  async getRun(runId: string): Promise<RunSummary | undefined> {
    const r = await readJsonFile<RunSummary>(this.file('runs', `${safe(runId)}.json`));
    return r.kind === 'ok' ? r.value : undefined;
  }

  async *readRunOutcomes(runId: string): AsyncIterable<PunchOutcome> {
    const file = this.file('runs', `${safe(runId)}.jsonl`);
    if (!fs.existsSync(file)) return;
    // First pass: the (few) patches; second pass: stream outcomes with their patches applied.
    const patches = new Map<string, Partial<PunchOutcome>>();
    for await (const line of lines(file)) {
      const l = parseLine(line);
      if (l?.t === 'p') patches.set(l.key, { ...patches.get(l.key), ...l.patch });
    }
    for await (const line of lines(file)) {
      const l = parseLine(line);
      if (l?.t === 'o') yield patches.has(l.o.key) ? { ...l.o, ...patches.get(l.o.key) } : l.o;
    }
  }

  /**
   * Removes temporary files left by writers killed mid-write (between creating and renaming them), in every folder
   * this store writes. Called once the state-directory lock is taken. Returns the paths removed.
   */
  async sweepStaleTemps(): Promise<string[]> {
    const removed: string[] = [];
    for (const sub of ['', 'devices', 'sites', 'inflight', 'runs', 'failed', 'dismissed']) {
      for (const name of await removeStaleTemps(this.file(sub), this.now())) removed.push(path.join(sub, name));
    }
    return removed;
  }

  private async deviceIdsIn(sub: string): Promise<string[]> {
    const names = await fs.promises.readdir(this.file(sub)).catch(() => [] as string[]);
    return [
      ...new Set(
        names
          .filter((n) => /\.jsonl?$/.test(n) && !n.startsWith('.'))
          .map((n) => decodeURIComponent(n.replace(/\.jsonl?$/, ''))),
      ),
    ];
  }

  private async pruneRuns(deviceId: string): Promise<void> {
    const runs = await this.listRuns(deviceId, RUNS_KEPT_PER_DEVICE + 50);
    for (const r of runs.slice(RUNS_KEPT_PER_DEVICE)) {
      const base = this.file('runs', safe(r.runId));
      await fs.promises.rm(`${base}.json`, { force: true });
      await fs.promises.rm(`${base}.jsonl`, { force: true });
    }
  }
}

/** The summary followed by spaces up to RUN_SUMMARY_RESERVE bytes (JSON ignores trailing white space). */
function padded(json: string): string {
  return json + ' '.repeat(Math.max(0, RUN_SUMMARY_RESERVE - Buffer.byteLength(json)));
}

function safe(id: string): string {
  return encodeURIComponent(id);
}

function lines(file: string): AsyncIterable<string> {
  return readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
}

function parseLine(line: string): RunLine | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as RunLine;
  } catch {
    return undefined; // a line torn by a crash mid-append is skipped; the punch is re-read on the next run
  }
}
