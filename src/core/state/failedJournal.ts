// Failed punches of one device as an append-only journal (`failed/<device>.jsonl`): each change is one line, so a
// page's failures cost a small append instead of rewriting every failed punch kept so far (which made long
// backlogs quadratic). The journal is compacted when it is mostly history. A line torn by a crash is skipped, and
// the next append starts on a fresh line so it cannot be glued to the torn one.
//
// Memory keeps an index, not the punches: per key the first failure, the attempts, the kind of failure and the line
// that holds the punch now (failureIndex.ts, a few dozen bytes per punch). The punches with their raw BioTime records
// stay in the file and are read back (streamed, one line at a time) when someone asks for them. A backlog with 5%
// unknown codes leaves 50,000 failed punches per million; their records in memory made the engine's RSS grow with
// the backlog.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { FailedPunch } from '../../shared/model';
import type { FailedKeys, FailedPrefilter } from '../ports';
import { YIELD_EVERY, yieldToLoop } from '../yieldLoop';
import { writeFileAtomic } from './atomicFile';
import { FailureIndex } from './failureIndex';

export type { KeptFailure } from './failureIndex';

type Line = { p: FailedPunch } | { d: string };

interface Index {
  keys: FailureIndex;
  lines: number;
  size: number;
  mtimeMs: number;
}

export class FailedJournal {
  private index: Index | undefined;
  /** The index last built, for the live view of the keys while a new one is being built. */
  private last = new FailureIndex();

  constructor(readonly file: string) {}

  /** The index of the live failed punches; the file is re-read only when another process changed it. */
  async keys(): Promise<FailureIndex> {
    return (await this.load()).keys;
  }

  /**
   * The keys of the live failed punches as a view that follows this journal's own changes (a copy of 50,000 keys per
   * run doubled what the failed punches cost in memory).
   */
  async liveKeys(): Promise<FailedKeys> {
    await this.load();
    const current = () => this.index?.keys ?? this.last;
    return {
      has: (key) => current().has(key),
      get size() {
        return current().size;
      },
      [Symbol.iterator]: () => current().keys(),
    };
  }

  /**
   * The live failed punches that `where` accepts, read from the file; only those are held in memory. With `pre`,
   * only the lines the index says may match are parsed, and none is read when no punch matches (the end of every
   * sync asks for the transient failures, usually none among tens of thousands of unknown codes).
   */
  async read(where: (f: FailedPunch) => boolean = () => true, pre?: FailedPrefilter): Promise<FailedPunch[]> {
    if (pre) {
      const index = await this.load();
      const wanted = index.keys.linesWhere(pre);
      if (!wanted.size) return [];
      const got = await this.readLines(wanted, index);
      if (got) return got.filter(where);
    }
    const found = new Map<string, FailedPunch>();
    await this.scan((l) => {
      if ('d' in l) found.delete(l.d);
      else if (where(l.p)) found.set(l.p.key, l.p);
      else found.delete(l.p.key);
    });
    return [...found.values()];
  }

  /**
   * The punches on the given lines, parsing nothing else; undefined when the file changed under the index meanwhile
   * (another process appended or compacted): the caller then reads the whole file.
   */
  private async readLines(wanted: ReadonlySet<number>, index: Index): Promise<FailedPunch[] | undefined> {
    const out: FailedPunch[] = [];
    let line = 0;
    const input = fs.createReadStream(this.file);
    try {
      for await (const text of readline.createInterface({ input, crlfDelay: Infinity })) {
        if (!text) continue;
        if (line % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
        if (!wanted.has(line++)) continue;
        const l = parsed(text);
        if (!l || !('p' in l) || !l.p?.key || index.keys.lineOf(l.p.key) !== line - 1) return undefined;
        out.push(l.p);
      }
    } finally {
      input.destroy();
    }
    const st = await fs.promises.stat(this.file).catch(() => undefined);
    if (!st || st.size !== index.size || st.mtimeMs !== index.mtimeMs || this.index !== index) return undefined;
    return out.length === wanted.size ? out : undefined;
  }

  private async load(): Promise<Index> {
    const st = await fs.promises.stat(this.file).catch(() => undefined);
    if (this.index && st && this.index.size === st.size && this.index.mtimeMs === st.mtimeMs) return this.index;
    if (!st) return this.setIndex({ keys: new FailureIndex(), lines: 0, size: 0, mtimeMs: 0 });
    return this.scan(() => undefined);
  }

  /** Replays the file line by line, rebuilding the index, and hands every readable line to `visit`. */
  private async scan(visit: (l: Line) => void): Promise<Index> {
    const st = await fs.promises.stat(this.file).catch(() => undefined);
    const keys = new FailureIndex();
    let lines = 0;
    if (st) {
      for await (const text of readline.createInterface({
        input: fs.createReadStream(this.file),
        crlfDelay: Infinity,
      })) {
        if (!text) continue;
        // Lines come out of readline's buffer without a turn of the event loop: a journal of 10,000 failed punches
        // parsed in one go would hold the extension host's loop for its whole length.
        if (lines % YIELD_EVERY === YIELD_EVERY - 1) await yieldToLoop();
        const line = lines++;
        let l: Line;
        try {
          l = JSON.parse(text) as Line;
        } catch {
          continue; // torn by a crash mid-append: that change is repeated by the next run
        }
        if ('p' in l && l.p?.key) keys.put(l.p, line);
        else if ('d' in l && typeof l.d === 'string') keys.delete(l.d);
        else continue;
        visit(l);
      }
    }
    return this.setIndex({ keys, lines, size: st?.size ?? 0, mtimeMs: st?.mtimeMs ?? 0 });
  }

  private setIndex(index: Index): Index {
    this.last = index.keys;
    return (this.index = index);
  }

  /** `edit`: the upserted punches replace the kept ones as they are (not another attempt). */
  async update(upsert: FailedPunch[], remove: string[], edit = false): Promise<void> {
    const index = await this.load();
    const { keys } = index;
    const out: Line[] = [];
    let line = index.lines;
    for (const k of remove)
      if (keys.delete(k)) {
        out.push({ d: k });
        line++;
      }
    for (const f of upsert) {
      const prev = keys.get(f.key);
      if (edit && !prev) continue;
      const next = prev && !edit ? { ...f, firstFailedAt: prev.firstFailedAt, attempts: prev.attempts + 1 } : f;
      keys.put(next, line++);
      out.push({ p: next });
    }
    if (!out.length) return;
    try {
      await this.append(out.map((l) => JSON.stringify(l)).join('\n') + '\n');
    } catch (e) {
      // The index already holds the changes the file may not: the next call reads the file again.
      index.size = -1;
      throw e;
    }
    index.lines = line;
    if (index.lines > 2 * keys.size + 1000) await this.compact();
  }

  private async append(text: string): Promise<void> {
    const fh = await fs.promises.open(this.file, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = '\n' + text;
      }
      await fh.write(text);
      await fh.sync();
      const st = await fh.stat();
      this.index!.size = st.size;
      this.index!.mtimeMs = st.mtimeMs;
    } finally {
      await fh.close();
    }
  }

  /** Rewrites the file with the current line of each live punch, streaming: the punches never all sit in memory. */
  private async compact(): Promise<void> {
    const { keys } = this.index!;
    // The live punches in line order; each one's line is renumbered as it is copied.
    const live = keys.byLine();
    const file = this.file;
    async function* kept(): AsyncGenerator<string> {
      let line = 0;
      let out = 0;
      let next = 0;
      let chunk = '';
      for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
        if (!text) continue;
        if (next >= live.length || keys.lineAt(live[next]) !== line++) continue;
        keys.setLineAt(live[next++], out++);
        chunk += text + '\n';
        if (chunk.length >= 1 << 16) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    try {
      await writeFileAtomic(file, kept());
    } catch (e) {
      this.index = undefined; // the line numbers were half renumbered: the next call reads the file again
      throw e;
    }
    const st = await fs.promises.stat(file);
    this.setIndex({ keys, lines: keys.size, size: st.size, mtimeMs: st.mtimeMs });
  }
}

function parsed(text: string): Line | undefined {
  try {
    return JSON.parse(text) as Line;
  } catch {
    return undefined;
  }
}
