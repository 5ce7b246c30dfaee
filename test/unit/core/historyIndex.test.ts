// The day index of the punch history (dayIndex.ts): searches through it answer exactly what a full read of the
// segments answers (seeded random histories and queries), and every state a crash or an older version leaves the
// index in — missing, behind, torn, malformed, ahead — is read correctly and repaired by the next write.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PunchHistory } from '../../../src/core/history/punchHistory';
import { entriesOf, indexPath } from '../../../src/core/history/dayIndex';
import type { HistoryOutcomeFilter, HistoryQuery } from '../../../src/shared/history';
import type { PunchOutcome } from '../../../src/shared/model';

const ZONE = 'Asia/Dubai';
const NOW = new Date('2026-11-24T08:00:00Z');

/** mulberry32: a small seeded generator, so a failure names the seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Fatima Al Zahra', 'JOHN "JJ" Doe', 'Zoë Ångström', 'Li\tWei', 'Ann\\Marie', 'ÇAĞLA İNCE', 'Bob'];
const TERMINALS: [string, string][] = [
  ['T1', 'Main gate'],
  ['T2', 'Back "door"'],
  ['T3', 'Çıkış'],
];

function mkHistory(dir: string, now = () => NOW): PunchHistory {
  return new PunchHistory(dir, { now, historyDays: () => 400, listRuns: async () => [] });
}

interface World {
  dir: string;
  history: PunchHistory;
  days: string[];
  codes: string[];
}

/** A random history: a few days, punches created/failed/skipped/duplicate, reruns, dismissals and patches. */
async function randomWorld(seed: number): Promise<World> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-history-index-'));
  // Three seconds pass per batch: the writer writes its index entries every few batches and holds the rest.
  let clock = NOW.getTime();
  const history = mkHistory(dir, () => new Date(clock));
  const days = ['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21'];
  const codes = ['1001', '1002', '1003', '77', '1004'];
  const all: PunchOutcome[] = [];
  let id = 0;
  for (let run = 0; run < 12; run++) {
    const batch: PunchOutcome[] = [];
    for (let n = 0; n < 15; n++) {
      const code = pick(codes);
      const [sn, alias] = pick(TERMINALS);
      const failed = r() < 0.25;
      const hour = String(Math.floor(r() * 24)).padStart(2, '0');
      const time = `${pick(days)} ${hour}:${String(n).padStart(2, '0')}:00`;
      const o: PunchOutcome = {
        key: r() < 0.1 ? `raw:${(id++).toString(16).padStart(8, 'a')}` : String(++id),
        deviceId: 'hq',
        transactionId: id,
        empCode: code,
        name: pick(NAMES),
        punchTime: time,
        siteTime: time,
        uploadTime: time,
        terminalSn: sn,
        terminalAlias: alias,
        punchState: '0',
        punchStateDisplay: 'Check In',
        logType: r() < 0.5 ? 'IN' : 'OUT',
        employee: failed ? null : `HR-EMP-${code}`,
        employeeName: failed ? null : pick(NAMES),
        outcome: failed ? 'failed' : r() < 0.1 ? 'skipped' : r() < 0.1 ? 'duplicate' : 'created',
        ...(failed ? { failure: 'unknownEmployee' as const, reason: `no employee ${code}` } : { checkin: `C-${id}` }),
      };
      batch.push(o);
      all.push(o);
    }
    const patches = batch
      .filter(() => r() < 0.1)
      .map((o) => ({
        key: o.key,
        punchTime: o.punchTime,
        userControl: { action: 'enable' as const, mode: 'area' as const, result: 'applied' as const },
      }));
    await history.recordBatch(
      { deviceId: 'hq', runId: `run-${run}`, runKind: 'sync', outcomes: batch, zone: ZONE },
      patches,
    );
    // A rerun creates some failed punches; the operator dismisses others.
    const failed = all.filter((o) => o.outcome === 'failed');
    const rerun = failed.filter(() => r() < 0.3).map((o) => ({ ...o, outcome: 'created' as const, checkin: 'C-re' }));
    if (rerun.length)
      await history.recordBatch({
        deviceId: 'hq',
        runId: `rerun-${run}`,
        runKind: 'rerun',
        outcomes: rerun,
        zone: ZONE,
      });
    const dismissed = failed.filter((o) => !rerun.some((x) => x.key === o.key) && r() < 0.2);
    if (dismissed.length) await history.recordDismissed('hq', dismissed);
    clock += 3000;
  }
  return { dir, history, days, codes };
}

function randomQueries(seed: number, w: World): HistoryQuery[] {
  const r = rng(seed * 31 + 7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const outcomes: HistoryOutcomeFilter[] = ['created', 'duplicate', 'failed', 'skipped', 'dismissed', 'rerun'];
  const qs: HistoryQuery[] = [];
  for (let i = 0; i < 40; i++) {
    const q: HistoryQuery = { limit: r() < 0.3 ? 5 : 1000, zone: ZONE };
    if (r() < 0.4) q.empCode = pick([...w.codes, '9999']);
    if (r() < 0.3) q.employee = `HR-EMP-${pick(w.codes)}`;
    if (r() < 0.3) q.outcome = pick(outcomes);
    if (r() < 0.3) q.terminal = pick(TERMINALS)[r() < 0.5 ? 0 : 1];
    if (r() < 0.3)
      q.name = pick(['fatima', 'JJ', 'zoë', 'ångström', 'li\twei', '"jj"', 'ann\\', 'çağla', 'b', 'nobody']);
    if (r() < 0.2) {
      q.from = pick(w.days);
      q.to = pick(w.days.filter((d) => d >= q.from!));
    }
    qs.push(q);
  }
  return qs;
}

const searchAll = (h: PunchHistory, q: HistoryQuery) => h.search(['hq'], q).then((r) => r.punches);

function idxFiles(w: World): string[] {
  const dir = w.history.deviceDir('hq');
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.idx'))
    .map((n) => path.join(dir, n));
}

/** The index a rebuild from the segment gives. */
function rebuilt(file: string): string {
  const seg = fs.readFileSync(file.replace(/\.idx$/, '.jsonl'));
  return entriesOf(seg.subarray(0, seg.lastIndexOf(0x0a) + 1), 0);
}

describe('core/history day index', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every filter answers through the index exactly what a full read answers`, async () => {
      const w = await randomWorld(seed);
      const queries = randomQueries(seed, w);
      // Indexes partly written (the rest held by the writer): readers complete them from the segments.
      const indexed = [];
      for (const q of queries) indexed.push(await searchAll(w.history, q));
      assert.ok(
        indexed.some((p) => p.length > 0) && indexed.some((p) => p.length === 0),
        'the queries find something and sometimes nothing',
      );
      // Indexes written in full (a catch-up writes what was held).
      await w.history.catchUp('hq', ZONE);
      for (const [i, q] of queries.entries())
        assert.deepEqual(await searchAll(w.history, q), indexed[i], `query ${JSON.stringify(q)}`);
      // No index at all: every segment read in full.
      for (const f of idxFiles(w)) fs.rmSync(f);
      for (const [i, q] of queries.entries())
        assert.deepEqual(indexed[i], await searchAll(w.history, q), `query ${JSON.stringify(q)}`);
    });
  }

  it('the index holds one entry per segment line, equal to a rebuild from the segment', async () => {
    const w = await randomWorld(4);
    await w.history.catchUp('hq', ZONE);
    const files = idxFiles(w);
    assert.equal(files.length, w.days.length);
    for (const f of files) {
      const lines = fs
        .readFileSync(f.replace(/\.idx$/, '.jsonl'), 'utf8')
        .trimEnd()
        .split('\n');
      assert.equal(fs.readFileSync(f, 'utf8').trimEnd().split('\n').length, lines.length);
      assert.equal(fs.readFileSync(f, 'utf8'), rebuilt(f));
    }
  });

  it('an index behind its segment, torn, malformed or ahead: searches agree, and the next write repairs it', async () => {
    const w = await randomWorld(5);
    await w.history.catchUp('hq', ZONE);
    const queries = randomQueries(5, w);
    const expected = [];
    for (const q of queries) expected.push(await searchAll(w.history, q));
    const [a, b, c, d] = idxFiles(w).sort();
    const textA = fs.readFileSync(a, 'utf8');
    fs.writeFileSync(a, textA.slice(0, textA.indexOf('\n', textA.length / 2) + 1)); // behind (a lost append)
    const textB = fs.readFileSync(b, 'utf8');
    fs.writeFileSync(b, textB.slice(0, textB.length - 7)); // torn last line (killed mid-append)
    fs.writeFileSync(c, 'not an index\n'); // malformed
    const textD = fs.readFileSync(d, 'utf8');
    fs.writeFileSync(
      d,
      textD.replace(
        /\t(\d+)\t(\d+)\tk([^\n]*)\n$/,
        (_, off, len, rest) => `\t${Number(off) + 1e6}\t${len}\tk${rest}\n`,
      ),
    ); // ahead
    const fresh = mkHistory(w.dir);
    for (const [i, q] of queries.entries())
      assert.deepEqual(await searchAll(fresh, q), expected[i], `query ${JSON.stringify(q)}`);
    for (const f of [a, b, c, d]) assert.notEqual(fs.readFileSync(f, 'utf8'), rebuilt(f), 'a reader never writes it');
    // One more punch on each day, written by a new process (it does not know where the files were left).
    const more = w.days.map((day, i) => outcomeOf(`new-${i}`, day));
    await fresh.recordBatch({ deviceId: 'hq', runId: 'more', runKind: 'sync', outcomes: more, zone: ZONE });
    for (const f of [a, b, c, d]) assert.equal(fs.readFileSync(f, 'utf8'), rebuilt(f), path.basename(f));
  });

  it('a torn segment line gets an entry of its own and never hides the next punch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-history-index-'));
    const h = mkHistory(dir);
    await h.recordBatch({
      deviceId: 'hq',
      runId: 'r1',
      runKind: 'sync',
      outcomes: [outcomeOf('1', '2026-11-20')],
      zone: ZONE,
    });
    const seg = path.join(h.deviceDir('hq'), '2026-11-20.jsonl');
    fs.appendFileSync(seg, '{"k":"2","v":"o","r":"x","a":"2026-11-2');
    const h2 = mkHistory(dir);
    await h2.recordBatch({
      deviceId: 'hq',
      runId: 'r2',
      runKind: 'sync',
      outcomes: [outcomeOf('3', '2026-11-20')],
      zone: ZONE,
    });
    const idx = fs
      .readFileSync(indexPath(h.deviceDir('hq'), '2026-11-20'), 'utf8')
      .trimEnd()
      .split('\n');
    assert.deepEqual(
      idx.map((l) => l.split('\t')[0]),
      ['1', '', '3'],
    );
    assert.deepEqual((await h2.search(['hq'], { empCode: '1003' })).punches.map((p) => p.key).sort(), ['1', '3']);
  });

  it('days written before the index existed get one at the next catch-up', async () => {
    const w = await randomWorld(6);
    await w.history.catchUp('hq', ZONE);
    const files = idxFiles(w);
    const before = files.map((f) => fs.readFileSync(f, 'utf8'));
    for (const f of files) fs.rmSync(f);
    const h = mkHistory(w.dir);
    await h.catchUp('hq', ZONE);
    assert.deepEqual(
      files.map((f) => fs.readFileSync(f, 'utf8')),
      before,
    );
  });

  it('prune drops a day index with its segment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-history-index-'));
    const h = new PunchHistory(dir, { now: () => NOW, historyDays: () => 30, listRuns: async () => [] });
    await h.recordBatch({
      deviceId: 'hq',
      runId: 'r1',
      runKind: 'sync',
      outcomes: [outcomeOf('1', '2026-09-01')],
      zone: ZONE,
    });
    assert.ok(fs.existsSync(indexPath(h.deviceDir('hq'), '2026-09-01')));
    assert.deepEqual(await h.prune('hq'), ['2026-09-01']);
    assert.equal(fs.existsSync(indexPath(h.deviceDir('hq'), '2026-09-01')), false);
  });
});

function outcomeOf(key: string, day: string): PunchOutcome {
  const time = `${day} 10:00:00`;
  return {
    key,
    deviceId: 'hq',
    transactionId: null,
    empCode: '1003',
    name: 'Late Comer',
    punchTime: time,
    siteTime: time,
    uploadTime: time,
    terminalSn: 'T1',
    terminalAlias: 'Main gate',
    punchState: '0',
    punchStateDisplay: 'Check In',
    logType: 'IN',
    employee: 'HR-EMP-1003',
    employeeName: 'Late Comer',
    outcome: 'created',
    checkin: `C-${key}`,
  };
}
