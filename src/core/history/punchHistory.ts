// The punch history: every punch the product has seen, with its outcome, kept for `historyDays` and then dropped.
//   history/<device>/<YYYY-MM-DD>.jsonl      event lines (historyLine.ts), one segment per day of punch time
//   history/<device>/<YYYY-MM-DD>.raw.jsonl  BioTime records, when a writer passes them (the engine does not:
//                                            the lineage reads the record from BioTime, see HistoryBatch.raw)
//   history/<device>/progress.json           per run, how many bytes of runs/<runId>.jsonl the history holds
//   history/<device>/meta.json               the zone of BioTime's naive times (punch instants are computed on read)
//   history/<device>/<YYYY-MM-DD>.idx        the segment's index (dayIndex.ts): what filters match, per line
//   history/<device>/aggregates.json         per-day figures, a cache validated by each segment's size
// The sync's own state comes first: a batch is written here only after its checkpoint (run record, failed punches,
// cursor), and a failure here never fails the run. The run records are the source of truth: whatever a crash or a
// full disk kept from the history is caught up from them (progress.json says where), and an event written twice
// (a crash between the append and its progress mark) is folded away on read. Segments are per day of punch time,
// so all events of a punch are in one file and a search reads only the days it asks for.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunKind, RunSummary, PunchOutcome } from '../../shared/model';
import type { HistoryPunch, HistoryQuery, HistoryResult, PunchLineage } from '../../shared/history';
import type { HistoryRecorder } from '../ports';
import type { HistoryBatch, HistoryDismissal, HistoryPatch } from '../types';
import { readJsonFile, removeStaleTemps, writeFileAtomic } from '../state/atomicFile';
import { naiveToInstant } from '../time';
import {
  type EventLine,
  indexTail,
  outcomeLine,
  outcomeLineText,
  outcomeLineWriter,
  outcomeTail,
  punchFields,
} from './historyLine';
import {
  appendLines,
  AppendFiles,
  DayLines,
  dayOf,
  encodeEntries,
  encodeLines,
  listDays,
  rawPath,
  replaceFile,
  segmentPath,
  syncFile,
} from './segmentFile';
import { appendIndex, appendIndexNow, type IndexMark, indexEntries, indexPath } from './dayIndex';
import { findLineage, searchSegments } from './historySearch';

export const DEFAULT_HISTORY_DAYS = 400;

export interface HistoryOptions {
  now: () => Date;
  /** Read at every prune so a settings change applies without a restart. */
  historyDays: () => number;
  /** Run summaries of a device (the catch-up reads their outcome files). */
  listRuns: (deviceId: string) => Promise<RunSummary[]>;
}

/** A line of runs/<runId>.jsonl (fileStateStore.ts). */
type RunLine = { t: 'o'; o: PunchOutcome } | { t: 'p'; key: string; patch: Partial<PunchOutcome> };

export class PunchHistory implements HistoryRecorder {
  readonly dir: string;
  private readonly runsDir: string;
  /** Per device: runId → bytes of its run record held here (the next write must start there). */
  private readonly progress = new Map<string, Record<string, number>>();
  private readonly caughtUp = new Set<string>();
  private readonly prunedOn = new Map<string, string>();
  private readonly zones = new Map<string, string>();
  /** Runs whose last history write failed. */
  private readonly broken = new Set<string>();
  /** Per index file: where this process left it (dayIndex.ts appendIndex). */
  private readonly marks = new Map<string, IndexMark>();
  /** Per index file: entries not written yet (the segment lines [base, end)), and when entries were last written. */
  private readonly pending = new Map<string, { dir: string; day: string; base: number; end: number; text: string }>();
  private readonly flushedAt = new Map<string, number>();
  /** Segments appended to without an fsync since (synced before any progress mark that counts on them). */
  private readonly unsynced = new Set<string>();
  /** Device folders this process made (a write does not ask for them again). */
  private readonly made = new Set<string>();
  /** Per device: when progress.json was last written (ms), and whether the progress held in memory is newer. */
  private readonly markedAt = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** The segments and indexes being appended to, kept open between batches (closed by flush()). */
  private readonly files = new AppendFiles();
  /** Devices whose every day has an index (segments written before the index existed get one, a few per run). */
  private readonly indexed = new Set<string>();

  constructor(
    stateDir: string,
    private readonly options: HistoryOptions,
  ) {
    this.dir = path.join(stateDir, 'history');
    this.runsDir = path.join(stateDir, 'runs');
  }

  deviceDir(deviceId: string): string {
    return path.join(this.dir, encodeURIComponent(deviceId));
  }

  /** Devices with a history folder. */
  async devices(): Promise<string[]> {
    const names = await fs.promises.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith('.')).map((n) => decodeURIComponent(n));
  }

  /**
   * Records a checkpointed batch (call after the run record, failed punches and cursor are saved). When an earlier
   * write of this run failed, the run record is replayed from where the history stopped instead.
   */
  async recordBatch(b: HistoryBatch, patches: HistoryPatch[] = []): Promise<void> {
    await this.guard(b.runId, async () => {
      const dir = await this.ready(b.deviceId);
      if (b.raw?.size) await this.appendRaw(dir, b.outcomes, b.raw);
      if (this.broken.has(b.runId)) return this.repair(b.deviceId, b.runId, b.runKind, b.zone);
      if (b.zone) await this.noteZone(b.deviceId, dir, b.zone);
      const at = this.options.now().toISOString();
      // No instant per line: converting every punch time cost as much as the rest of the line (see noteZone).
      // Each outcome's JSON as the run record holds it (the engine encodes a punch once for both).
      const json = b.json?.length === b.outcomes.length ? b.json : b.outcomes.map((o) => JSON.stringify(o));
      const head = outcomeLineWriter(b.runId, b.runKind, at);
      const days = new Map<string, DayLines>();
      let date: string | undefined;
      let lines!: DayLines;
      for (let i = 0; i < b.outcomes.length; i++) {
        const o = b.outcomes[i];
        // A batch is nearly always one day: its date is checked once.
        const t = o.punchTime ?? '';
        if (t.slice(0, 10) !== date) [date, lines] = [t.slice(0, 10), dayLines(days, dayOf(t))];
        lines.add(o.key, outcomeLineText(head(o.key, null), json[i]) + '\n', outcomeTail(o, b.runKind, json[i]));
      }
      for (const p of patches) addEvent(days, patchLine(p, b.runId, at));
      await this.appendByDay(dir, days);
      await this.markRun(b.deviceId, b.runId);
    });
  }

  /** User-control results learnt after the outcomes were recorded (the run's end). */
  async recordPatches(deviceId: string, runId: string, runKind: RunKind, patches: HistoryPatch[]): Promise<void> {
    if (!patches.length) return;
    await this.guard(runId, async () => {
      const dir = await this.ready(deviceId);
      if (this.broken.has(runId)) return this.repair(deviceId, runId, runKind);
      const at = this.options.now().toISOString();
      const days = new Map<string, DayLines>();
      for (const p of patches) addEvent(days, patchLine(p, runId, at));
      await this.appendByDay(dir, days);
      await this.markRun(deviceId, runId);
    });
  }

  /** The operator dismissed failed punches (they keep their last failure as the reason). */
  async recordDismissed(deviceId: string, punches: HistoryDismissal[]): Promise<void> {
    if (!punches.length) return;
    const dir = await this.ready(deviceId);
    const at = this.options.now().toISOString();
    const days = new Map<string, DayLines>();
    for (const p of punches) {
      addEvent(days, { k: p.key, v: 'x', r: '', a: at, ...punchFields(p, null), o: 'dismissed' });
      if (held(days) >= APPEND_CHARS) await this.appendByDay(dir, days);
    }
    await this.appendByDay(dir, days);
    await this.syncSegments(); // no run record holds a dismissal: the history's copy is synced at once
  }

  /**
   * Brings the history level with the run records of a device (after a crash or a failed write), once per process
   * and device, and drops the days older than historyDays. Returns the number of events replayed.
   */
  async catchUp(deviceId: string, zone?: string): Promise<number> {
    await this.prune(deviceId);
    await removeStaleTemps(this.deviceDir(deviceId), this.options.now());
    if (zone) {
      await fs.promises.mkdir(this.deviceDir(deviceId), { recursive: true, mode: 0o700 });
      await this.noteZone(deviceId, this.deviceDir(deviceId), zone);
    }
    await this.flushDevice(deviceId);
    await this.indexBacklog(deviceId);
    if (this.caughtUp.has(deviceId)) {
      if (this.dirty.has(deviceId))
        await this.writeProgress(deviceId, await this.loadProgress(deviceId), this.options.now().getTime());
      return 0;
    }
    const prog = await this.loadProgress(deviceId);
    const runs = (await this.options.listRuns(deviceId)).filter((r) => r.kind !== 'dryRun');
    let replayed = 0;
    for (const r of runs) {
      const size = await this.runFileSize(r.runId);
      if (size !== undefined && size > (prog[r.runId] ?? 0))
        replayed += await this.replay(deviceId, r.runId, r.kind, prog[r.runId] ?? 0, zone);
    }
    // Progress of runs no longer on disk (pruned) is forgotten.
    const live = new Set(runs.map((r) => r.runId));
    const kept = Object.fromEntries(Object.entries(await this.loadProgress(deviceId)).filter(([id]) => live.has(id)));
    this.progress.set(deviceId, kept);
    await fs.promises.mkdir(this.deviceDir(deviceId), { recursive: true, mode: 0o700 });
    await this.syncSegments();
    await writeFileAtomic(path.join(this.deviceDir(deviceId), 'progress.json'), JSON.stringify({ runs: kept }));
    this.markedAt.set(deviceId, this.options.now().getTime());
    this.dirty.delete(deviceId);
    this.caughtUp.add(deviceId);
    return replayed;
  }

  /**
   * Writes what the writer holds back (index entries, the progress mark and the fsync before it). Nothing is lost
   * without it: a process that ends without flushing leaves the index behind (completed from the segments) and the
   * progress up to MARK_EVERY_MS behind (those events are replayed and folded away). Call it when a run ends.
   */
  async flush(): Promise<void> {
    for (const file of [...this.pending.keys()]) await this.flushIndex(file);
    for (const deviceId of [...this.dirty])
      await this.writeProgress(deviceId, await this.loadProgress(deviceId), this.options.now().getTime());
    await this.syncSegments();
    this.files.closeAll();
  }

  /** Drops the day segments older than historyDays (once a day per device). */
  async prune(deviceId: string): Promise<string[]> {
    const now = this.options.now();
    const today = now.toISOString().slice(0, 10);
    if (this.prunedOn.get(deviceId) === today) return [];
    this.prunedOn.set(deviceId, today);
    this.files.closeAll(); // nothing held open where files are about to be deleted
    const cutoff = new Date(now.getTime() - (this.options.historyDays() + 1) * 86_400_000).toISOString().slice(0, 10);
    const dir = this.deviceDir(deviceId);
    const dropped: string[] = [];
    for (const day of await listDays(dir)) {
      if (day === 'undated' || day >= cutoff) continue;
      await fs.promises.rm(segmentPath(dir, day), { force: true });
      await fs.promises.rm(indexPath(dir, day), { force: true });
      this.marks.delete(indexPath(dir, day));
      this.pending.delete(indexPath(dir, day));
      await fs.promises.rm(rawPath(dir, day), { force: true });
      dropped.push(day);
    }
    return dropped;
  }

  search(deviceIds: string[], q: HistoryQuery): Promise<HistoryResult> {
    return searchSegments(
      deviceIds.map((id) => ({ deviceId: id, dir: this.deviceDir(id) })),
      q,
    );
  }

  lineage(deviceId: string, key: string, punchTime?: string): Promise<PunchLineage | undefined> {
    return findLineage(deviceId, this.deviceDir(deviceId), key, punchTime);
  }

  /** Every punch of some days of a device, folded (the missing check-outs report reads a few days this way). */
  async punchesOn(deviceId: string, days: string[]): Promise<HistoryPunch[]> {
    const out: HistoryPunch[] = [];
    for (const day of days) {
      const r = await searchSegments([{ deviceId, dir: this.deviceDir(deviceId) }], {
        limit: Number.MAX_SAFE_INTEGER,
        onlyDays: [day],
      } as HistoryQuery);
      out.push(...r.punches);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------------

  private async ready(deviceId: string): Promise<string> {
    const dir = this.deviceDir(deviceId);
    if (this.made.has(dir)) return dir;
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    this.made.add(dir);
    return dir;
  }

  /** A failed write marks the run: its next write replays the run record from where the history stopped. */
  private async guard(runId: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.broken.add(runId);
      this.made.clear(); // the folder may be what went away
      this.files.closeAll();
      throw e;
    }
  }

  private async repair(deviceId: string, runId: string, kind: RunKind, zone?: string): Promise<void> {
    const prog = await this.loadProgress(deviceId);
    await this.replay(deviceId, runId, kind, prog[runId] ?? 0, zone);
    this.broken.delete(runId);
  }

  private async markRun(deviceId: string, runId: string): Promise<void> {
    const size = this.runFileSizeNow(runId);
    if (size !== undefined) await this.mark(deviceId, runId, size);
  }

  private async loadProgress(deviceId: string): Promise<Record<string, number>> {
    let p = this.progress.get(deviceId);
    if (!p) {
      const r = await readJsonFile<{ runs?: Record<string, number> }>(
        path.join(this.deviceDir(deviceId), 'progress.json'),
      );
      p = r.kind === 'ok' && r.value?.runs && typeof r.value.runs === 'object' ? { ...r.value.runs } : {};
      this.progress.set(deviceId, p);
    }
    return p;
  }

  /**
   * Progress is replaced by rename without fsync: it is written after the fsync'd segment, so it can only be lost
   * (or go back), never get ahead of the events; going back replays events the fold then drops as repeats. That is
   * also why it is written at most every MARK_EVERY_MS (and at the next catch-up): after a crash, the events of
   * those last seconds are replayed and folded away, and each batch saves a file replacement.
   */
  private async mark(deviceId: string, runId: string, bytes: number, now = false): Promise<void> {
    const p = await this.loadProgress(deviceId);
    p[runId] = bytes;
    const at = this.options.now().getTime();
    const last = this.markedAt.get(deviceId);
    if (!now && last !== undefined && at >= last && at - last < MARK_EVERY_MS) {
      this.dirty.add(deviceId);
      return;
    }
    await this.writeProgress(deviceId, p, at);
  }

  private async writeProgress(deviceId: string, p: Record<string, number>, at: number): Promise<void> {
    await this.syncSegments();
    await replaceFile(path.join(this.deviceDir(deviceId), 'progress.json'), JSON.stringify({ runs: p }));
    this.markedAt.set(deviceId, at);
    this.dirty.delete(deviceId);
  }

  /** The zone of the device's naive times, kept once (read by searches and reports to compute instants). */
  private async noteZone(deviceId: string, dir: string, zone: string): Promise<void> {
    if (this.zones.get(deviceId) === zone) return;
    const file = path.join(dir, 'meta.json');
    const r = await readJsonFile<{ zone?: string }>(file);
    if (!(r.kind === 'ok' && r.value?.zone === zone)) await writeFileAtomic(file, JSON.stringify({ zone }));
    this.zones.set(deviceId, zone);
  }

  /** The run record's size, in one synchronous stat (asked after every batch, like the appends of AppendFiles). */
  private runFileSizeNow(runId: string): number | undefined {
    return fs.statSync(path.join(this.runsDir, `${encodeURIComponent(runId)}.jsonl`), { throwIfNoEntry: false })?.size;
  }

  private async runFileSize(runId: string): Promise<number | undefined> {
    try {
      return (await fs.promises.stat(path.join(this.runsDir, `${encodeURIComponent(runId)}.jsonl`))).size;
    } catch {
      return undefined;
    }
  }

  /** Replays the complete lines of a run record from byte `from`; returns the events written. */
  private async replay(deviceId: string, runId: string, kind: RunKind, from: number, zone?: string): Promise<number> {
    const file = path.join(this.runsDir, `${encodeURIComponent(runId)}.jsonl`);
    const buf = await fs.promises.readFile(file).catch(() => Buffer.alloc(0));
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end <= from) return 0;
    const at = this.options.now().toISOString();
    const dir = this.deviceDir(deviceId);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const days = new Map<string, DayLines>();
    let count = 0;
    // Patches name their punch by key only: the punch times come from the whole record, events from `from` on.
    const times = new Map<string, string>();
    for (let pos = 0; pos < end;) {
      const nl = buf.indexOf(0x0a, pos);
      const l = parseRunLine(buf.subarray(pos, nl).toString('utf8'));
      const fresh = pos >= from;
      pos = nl + 1;
      if (l?.t === 'o') {
        times.set(l.o.key, l.o.punchTime);
        if (fresh) addEvent(days, outcomeLine(l.o, runId, kind, at, instantOf(l.o.punchTime, zone)));
      } else if (fresh && l?.t === 'p' && l.patch.userControl) {
        const t = times.get(l.key);
        if (t) addEvent(days, patchLine({ key: l.key, punchTime: t, userControl: l.patch.userControl }, runId, at));
      }
      if (held(days) >= APPEND_CHARS) count += await this.appendByDay(dir, days);
    }
    count += await this.appendByDay(dir, days);
    await this.mark(deviceId, runId, end, true);
    return count;
  }

  /** Appends the lines held per day, and empties `days`; returns the number of lines. */
  private async appendByDay(dir: string, days: Map<string, DayLines>): Promise<number> {
    let n = 0;
    for (const lines of days.values()) {
      await this.appendDay(dir, lines);
      n += lines.lines.length;
    }
    days.clear();
    return n;
  }

  /**
   * Appends lines to a day's segment (fsync'd: the truth), then their entries to its index (a shortcut). Entries are
   * held in memory and written at most every MARK_EVERY_MS per day (and at the next catch-up): a search completes an
   * index that is behind from the segment's tail, so this saves an open and a write per batch and day.
   */
  private async appendDay(dir: string, lines: DayLines): Promise<void> {
    const { day } = lines;
    const { bytes, ascii } = encodeLines(lines);
    const seg = segmentPath(dir, day);
    // No fsync per batch (the run record is the durable copy): the segment is synced before the progress mark that
    // says it holds these lines, so a power cut can lose lines only together with their mark (they are replayed).
    this.unsynced.add(seg);
    const { base, end } = this.files.appendLines(seg, bytes);
    const file = indexPath(dir, day);
    // The writer moves forward through the days: a day it has left is rarely appended to again, so its held entries
    // are written now instead of waiting for the end of the run (a backlog of months held them all in memory).
    for (const [other, p] of this.pending) if (other !== file && p.dir === dir) await this.flushIndex(other);
    const entries = indexEntries(lines, base, ascii);
    // Where this process left the index (after its first write of the day): the entries go straight on.
    if (!this.pending.has(file) && this.appendIndexNow(file, base, end, entries)) return;
    const p = this.pending.get(file);
    if (p && p.end === base) Object.assign(p, { end, text: p.text + entries });
    else {
      if (p) await this.flushIndex(file);
      this.pending.set(file, { dir, day, base, end, text: entries });
    }
    const at = this.options.now().getTime();
    const last = this.flushedAt.get(file);
    if (last === undefined || at < last || at - last >= MARK_EVERY_MS || this.pending.get(file)!.text.length > 1 << 20)
      await this.flushIndex(file, at);
  }

  /** True when the entries were appended to an index this process left as it is (a failure leaves it behind). */
  private appendIndexNow(file: string, base: number, end: number, entries: string): boolean {
    const known = this.marks.get(file);
    if (!known) return false;
    try {
      const mark = appendIndexNow(this.files, file, known, base, end, encodeEntries(entries));
      if (mark) this.marks.set(file, mark);
      return !!mark;
    } catch {
      // The segment holds the lines: a reader completes the index from it, and so does the next append here.
      this.marks.delete(file);
      return true;
    }
  }

  /** Writes the entries held for an index file; a failure only leaves the index behind its segment. */
  private async flushIndex(file: string, at = this.options.now().getTime()): Promise<void> {
    const p = this.pending.get(file);
    if (!p) return;
    this.pending.delete(file);
    this.flushedAt.set(file, at);
    try {
      this.marks.set(file, await appendIndex(p.dir, p.day, p.base, p.end, p.text, this.marks.get(file)));
    } catch {
      // The segment holds the lines: a reader completes the index from it, and so does the next append here.
      this.marks.delete(file);
    }
  }

  /** Syncs the segments appended to since the last sync (before a progress mark counts on their lines). */
  private async syncSegments(): Promise<void> {
    for (const file of [...this.unsynced]) {
      await syncFile(file);
      this.unsynced.delete(file);
    }
  }

  /** Writes every index entry held for a device (at a catch-up: the start of each run). */
  private async flushDevice(deviceId: string): Promise<void> {
    const dir = this.deviceDir(deviceId);
    for (const [file, p] of [...this.pending]) if (p.dir === dir) await this.flushIndex(file);
  }

  /**
   * Gives an index to the days that have none (written before the index existed, or whose index was deleted), at
   * most INDEX_BACKLOG_DAYS per call, newest first: a large history is indexed over a few runs, not in one.
   */
  private async indexBacklog(deviceId: string): Promise<number> {
    if (this.indexed.has(deviceId)) return 0;
    const dir = this.deviceDir(deviceId);
    let done = 0;
    for (const day of await listDays(dir)) {
      const idx = indexPath(dir, day);
      if (fs.existsSync(idx)) continue;
      if (done >= INDEX_BACKLOG_DAYS) return done;
      const size = (await fs.promises.stat(segmentPath(dir, day)).catch(() => undefined))?.size ?? 0;
      const base = size && (await completeEnd(segmentPath(dir, day), size));
      try {
        this.marks.set(idx, await appendIndex(dir, day, base, base, '', undefined));
      } catch {
        return done; // a full disk: the days keep being read in full, and the next run tries again
      }
      done++;
    }
    this.indexed.add(deviceId);
    return done;
  }

  private async appendRaw(dir: string, outcomes: PunchOutcome[], raw: Map<string, Record<string, unknown>>) {
    const byDay = new Map<string, string[]>();
    for (const o of outcomes) {
      const r = raw.get(o.key);
      if (r) push(byDay, dayOf(o.punchTime), JSON.stringify({ k: o.key, raw: r }));
    }
    for (const [day, ls] of byDay) await appendLines(rawPath(dir, day), ls.join('\n') + '\n');
  }
}

function addEvent(days: Map<string, DayLines>, l: EventLine): void {
  dayLines(days, dayOf(l.t ?? '')).add(l.k, JSON.stringify(l) + '\n', indexTail(l));
}

/** The characters of lines held (a long replay or dismissal is appended in parts of about APPEND_CHARS). */
function held(days: Map<string, DayLines>): number {
  let n = 0;
  for (const d of days.values()) n += d.length;
  return n;
}

/** About 4 MB: far below the longest string V8 makes (about 512 MB), which a whole run's lines could pass. */
const APPEND_CHARS = 1 << 22;

function dayLines(days: Map<string, DayLines>, day: string): DayLines {
  let d = days.get(day);
  if (!d) days.set(day, (d = new DayLines(day)));
  return d;
}

function patchLine(p: HistoryPatch, runId: string, at: string): EventLine {
  return { k: p.key, v: 'p', r: runId, a: at, t: p.punchTime, uc: p.userControl };
}

function parseRunLine(s: string): RunLine | undefined {
  try {
    return JSON.parse(s) as RunLine;
  } catch {
    return undefined; // torn by a crash: the run re-reads that punch
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** How often progress.json is written while batches come (see PunchHistory.mark). */
export const MARK_EVERY_MS = 5_000;

/** Days a run gives an index to (about a second of CPU each 30 days of a busy device). */
export const INDEX_BACKLOG_DAYS = 30;

/** The end of a file's last complete line (a torn last line is left out). */
async function completeEnd(file: string, size: number): Promise<number> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const nl = tail.lastIndexOf(0x0a);
    return nl < 0 ? (size > tail.length ? completeEndSlow(file) : 0) : size - tail.length + nl + 1;
  } finally {
    await fh.close();
  }
}

async function completeEndSlow(file: string): Promise<number> {
  const buf = await fs.promises.readFile(file);
  return buf.lastIndexOf(0x0a) + 1;
}

function instantOf(punchTime: string, zone: string | undefined): string | null {
  if (!zone) return null;
  const r = naiveToInstant(punchTime, zone);
  return r.ok ? r.instant.toISOString() : null;
}
