// Failed punches of one device as an append-only journal (`failed/<device>.jsonl`): each change is one line, so a
// page's failures cost a small append instead of rewriting every failed punch kept so far (which made long
// backlogs quadratic). The journal is compacted when it is mostly history. A line torn by a crash is skipped, and
// the next append starts on a fresh line so it cannot be glued to the torn one.
import * as fs from 'node:fs';
import type { FailedPunch } from '../../shared/model';
import { writeFileAtomic } from './atomicFile';

type Line = { p: FailedPunch } | { d: string };

interface Cached {
  map: Map<string, FailedPunch>;
  lines: number;
  size: number;
  mtimeMs: number;
}

export class FailedJournal {
  private cache: Cached | undefined;

  constructor(readonly file: string) {}

  /** The live failed punches; re-read only when another process changed the file. */
  async load(): Promise<Map<string, FailedPunch>> {
    const st = await fs.promises.stat(this.file).catch(() => undefined);
    if (!st) {
      this.cache = { map: new Map(), lines: 0, size: 0, mtimeMs: 0 };
      return this.cache.map;
    }
    if (this.cache && this.cache.size === st.size && this.cache.mtimeMs === st.mtimeMs) return this.cache.map;
    const map = new Map<string, FailedPunch>();
    let lines = 0;
    for (const text of (await fs.promises.readFile(this.file, 'utf8')).split('\n')) {
      if (!text) continue;
      lines++;
      let l: Line;
      try {
        l = JSON.parse(text) as Line;
      } catch {
        continue; // torn by a crash mid-append: that change is repeated by the next run
      }
      if ('p' in l && l.p?.key) map.set(l.p.key, l.p);
      else if ('d' in l) map.delete(l.d);
    }
    this.cache = { map, lines, size: st.size, mtimeMs: st.mtimeMs };
    return map;
  }

  /** `edit`: the upserted punches replace the kept ones as they are (not another attempt). */
  async update(upsert: FailedPunch[], remove: string[], edit = false): Promise<void> {
    const map = await this.load();
    const out: Line[] = [];
    for (const k of remove) if (map.delete(k)) out.push({ d: k });
    for (const f of upsert) {
      const prev = map.get(f.key);
      if (edit && !prev) continue;
      const next = prev && !edit ? { ...f, firstFailedAt: prev.firstFailedAt, attempts: prev.attempts + 1 } : f;
      map.set(f.key, next);
      out.push({ p: next });
    }
    if (!out.length) return;
    const c = this.cache!;
    if (c.lines + out.length > 2 * map.size + 1000) return this.compact(map);
    await this.append(out.map((l) => JSON.stringify(l)).join('\n') + '\n');
    c.lines += out.length;
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
      this.cache!.size = st.size;
      this.cache!.mtimeMs = st.mtimeMs;
    } finally {
      await fh.close();
    }
  }

  private async compact(map: Map<string, FailedPunch>): Promise<void> {
    const text = [...map.values()].map((f) => JSON.stringify({ p: f })).join('\n');
    await writeFileAtomic(this.file, text ? text + '\n' : '');
    const st = await fs.promises.stat(this.file);
    this.cache = { map, lines: map.size, size: st.size, mtimeMs: st.mtimeMs };
  }
}
