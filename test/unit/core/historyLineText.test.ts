import * as assert from 'node:assert/strict';
import {
  indexTail,
  outcomeLine,
  outcomeLineText,
  outcomeLineWriter,
  outcomeTail,
  parseEventLine,
} from '../../../src/core/history/historyLine';
import type { PunchOutcome, RunKind } from '../../../src/shared/model';

// The history writes each outcome's line around the outcome's JSON as the run record holds it (outcomeLineWriter),
// and older lines hold the same event with the fields inline (outcomeLine). Searches, the fold and the index read
// both through parseEventLine: for every outcome the engine can produce (values that need escaping, nulls, missing
// fields, odd numbers) the two forms must read as the same event, with the same index entry.

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const awkward = [
  '',
  'plain',
  'Ahmed "the gate" Ali',
  'back\\slash',
  'tab\there',
  'line\nfeed',
  'nul\u0000char',
  'sep\u2028and\u2029',
  'lone \ud800 surrogate',
  'pair 😀 emoji',
  'عربي',
  '  spaces  ',
  '</script>',
];

const clean = ['', 'plain', 'Ahmed Ali', 'عربي', 'pair 😀 emoji', '  spaces  ', '</script>', 'Gate 1'];

/** Half the outcomes hold only values that need no escaping (the writer's fast path), half hold awkward ones. */
function outcome(random: () => number): PunchOutcome {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const tidy = random() < 0.5;
  const text = (): unknown =>
    tidy ? pick(clean) : random() < 0.05 ? pick([42, undefined, null, true]) : pick(awkward);
  const maybe = <T>(v: T): T | undefined => (random() < 0.3 ? undefined : v);
  const o: Record<string, unknown> = {
    key: pick(['123', 'raw:ab12', '9007199254740993', 'k"q']),
    deviceId: 'dev',
    transactionId: pick([1, 0, -0, 12.5, 1e21, null, Number.NaN, Number.POSITIVE_INFINITY, undefined]),
    empCode: text(),
    name: text(),
    punchTime: tidy ? '2026-11-30 08:00:00' : pick(['2026-11-30 08:00:00', 'weird "time"', '', 7]),
    siteTime: pick(['2026-11-30 08:00:00', null, undefined]),
    uploadTime: pick(['2026-11-30 09:00:00', null]),
    terminalSn: text(),
    terminalAlias: text(),
    punchState: tidy ? pick(['0', '1']) : pick(['0', '1', 'x\ty']),
    punchStateDisplay: text(),
    logType: pick(['IN', 'OUT', null]),
    employee: tidy ? pick(['HR-EMP-1', null]) : pick(['HR-EMP-1', null, 'ü"']),
    employeeName: random() < 0.2 ? null : text(),
    outcome: pick(['created', 'duplicate', 'failed', 'skipped']),
    checkin: maybe(pick(['EMP-CKIN-1', ''])),
    duplicateOf: maybe(pick(['EMP-CKIN-2', ''])),
    reason: maybe(text()),
    failure: maybe(pick(['unknownEmployee', 'permission'])),
    userControl: maybe(pick([{ action: 'enable', mode: 'area', result: 'applied', detail: text() }, undefined, null])),
    recovered: maybe(pick([true, false])),
  };
  return o as unknown as PunchOutcome;
}

describe('history line text', () => {
  it('reads as the inline line, index tail included (3,000 random outcomes)', () => {
    const random = seeded(20261203);
    for (let i = 0; i < 3000; i++) {
      const o = outcome(random);
      const kind: RunKind = random() < 0.2 ? 'rerun' : 'sync';
      const at = random() < 0.9 ? '2026-12-03T10:00:00.000Z' : 'at "q"';
      const instant = random() < 0.5 ? null : '2026-11-30T05:00:00.000Z';
      const inline = parseEventLine(JSON.stringify(outcomeLine(o, `run-${i}`, kind, at, instant)));
      const text = outcomeLineText(outcomeLineWriter(`run-${i}`, kind, at)(o.key, instant), JSON.stringify(o));
      const read = parseEventLine(text);
      assert.ok(inline && read, text);
      assert.equal(JSON.stringify(read), JSON.stringify(inline), text);
      assert.equal(outcomeTail(o, kind), indexTail(inline), text);
      assert.equal(outcomeTail(o, kind, JSON.stringify(o)), indexTail(inline), text);
      assert.ok(!text.includes('\n'), 'one line');
    }
  });
});
