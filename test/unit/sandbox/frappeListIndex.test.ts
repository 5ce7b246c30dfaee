import * as assert from 'node:assert/strict';
import { narrowing } from '../../../src/sandbox/frappe/filters';
import { runList, type ListArgs } from '../../../src/sandbox/frappe/query';
import { FrappeStore } from '../../../src/sandbox/frappe/store';

// The sandbox answers checkin lists by name and by time window from indexes (so a million-row benchmark does
// not scan the table per request). The index may only narrow what is scanned: every answer must equal the
// full scan's, rows and order, whatever the filters, including replaced and deleted rows and equal times.

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

function world(seed: number): { store: FrappeStore; names: string[]; times: string[]; random: () => number } {
  const random = seeded(seed);
  const store = new FrappeStore('Asia/Riyadh', () => new Date('2026-12-03T10:00:00Z'));
  for (let e = 1; e <= 6; e++) store.addEmployee({ name: `EMP-${e}`, employee_name: `E ${e}` });
  const times: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < 400; i++) {
    // Few distinct seconds, in no particular order: many equal times, inserts before and after existing keys.
    const day = 1 + Math.floor(random() * 4);
    const time = `2026-11-${pad(day)} ${pad(Math.floor(random() * 3) + 8)}:${pad(Math.floor(random() * 4) * 15)}:00`;
    times.push(time);
    names.push(store.addCheckin({ employee: `EMP-${1 + Math.floor(random() * 6)}`, time, log_type: 'IN' }));
  }
  const table = store.table('Employee Checkin');
  for (let i = 0; i < 40; i++) {
    const name = names[Math.floor(random() * names.length)];
    const doc = table.get(name);
    if (!doc) continue;
    if (random() < 0.5) table.remove(name);
    else table.put({ ...doc, time: times[Math.floor(random() * times.length)] });
  }
  return { store, names, times, random };
}

function argsFor(random: () => number, names: string[], times: string[]): ListArgs {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const [a, b] = [pick(times), pick(times)].sort();
  const filters: unknown[][] = [];
  const shape = Math.floor(random() * 7);
  if (shape === 0) filters.push(['time', 'between', [a, b]]);
  if (shape === 1) filters.push(['time', 'between', [a.slice(0, 10), b.slice(0, 10)]]);
  if (shape === 2) filters.push(['time', '>=', a], ['time', '<', b]);
  if (shape === 3) filters.push(['time', '>', a]);
  if (shape === 4) filters.push(['name', 'in', [pick(names), pick(names).toLowerCase(), 'nope', pick(names)]]);
  if (shape === 5) filters.push(['name', '=', `${pick(names)}  `]);
  if (shape === 6) filters.push(['time', '<=', b]);
  if (random() < 0.5) filters.push(['employee', 'in', ['EMP-1', 'EMP-3', 'EMP-4']]);
  const order = pick(['time asc', 'time desc', 'creation asc', '']);
  return { fields: ['name', 'employee', 'time'], filters, order_by: order, limit_page_length: 0 };
}

describe('sandbox list indexes', () => {
  for (const seed of [1, 7, 42]) {
    it(`answers exactly like a full scan (seed ${seed}, 200 queries)`, () => {
      const { store, names, times, random } = world(seed);
      const meta = store.table('Employee Checkin').meta;
      let narrowed = 0;
      for (let q = 0; q < 200; q++) {
        const args = argsFor(random, names, times);
        const how = narrowing(meta, args.filters, '2026-12-03');
        if (how) narrowed++;
        const full = runList(meta, store.rows('Employee Checkin'), args, '2026-12-03');
        const fast = runList(meta, store.rows('Employee Checkin', how), args, '2026-12-03');
        assert.deepEqual(fast, full, JSON.stringify(args));
      }
      assert.ok(narrowed > 150, `only ${narrowed} of 200 queries used an index`);
    });
  }

  it('reads only the rows in the window', () => {
    const { store } = world(3);
    const table = store.table('Employee Checkin');
    const inWindow = table.range('time', '2026-11-02 00:00:00.000000', '2026-11-02 23:59:59.999999');
    assert.ok(inWindow.length > 0 && inWindow.length < table.size / 2);
    assert.ok(inWindow.every((d) => String(d.time).startsWith('2026-11-02')));
  });

  it('leaves filters it cannot use to the scan (and a bad filter to the query’s own error)', () => {
    const meta = new FrappeStore('UTC', () => new Date()).table('Employee Checkin').meta;
    assert.equal(narrowing(meta, [['employee', '=', 'EMP-1']], '2026-12-03'), undefined);
    assert.equal(narrowing(meta, '[not json', '2026-12-03'), undefined);
    assert.equal(narrowing(meta, [['nope', '=', 1]], '2026-12-03'), undefined);
  });
});
