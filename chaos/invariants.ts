// The checks of issue 5, against the sandboxes' own records (Frappe's Employee Checkin table, BioTime's
// employees and resignations) and the CLI's public output (`status --json`, `failed --json`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FailedPunch, WatchedGap } from '../src/shared/model';
import { expectationOf, type Expectation } from './expectations';
import type { LedgerEntry, ChaosWorld } from './world';
import { NO_ACCESS_AREA } from './world';

export type ViolationKind =
  | 'lost'
  | 'duplicated'
  | 'wrong'
  | 'cursor'
  | 'userControl'
  | 'crash'
  | 'hang'
  | 'secretLeak'
  | 'stateLoad'
  | 'json'
  | 'finalRun'
  | 'history'
  | 'harness'
  /** A full state disk reported as a bare ENOSPC, with counts below what Frappe received, or left "running". */
  | 'diskFull'
  /** A closed output pipe not reported as exit 3 with one line on stderr. */
  | 'pipe';

export interface Violation {
  kind: ViolationKind;
  detail: string;
  /** The punch it is about, when there is one. */
  entry?: LedgerEntry;
}

export interface Checkin {
  name: string;
  employee: string;
  time: string;
  log_type: string | null;
  device_id: string | null;
}

export function checkinsOf(world: ChaosWorld): Checkin[] {
  return world.frappe.store.checkins().map((d) => ({
    name: String(d.name),
    employee: String(d.employee),
    time: String(d.time),
    log_type: (d.log_type as string | null) || null,
    device_id: (d.device_id as string | null) ?? null,
  }));
}

const key = (employee: string, time: string) => `${employee}|${time}`;

export function byKey(checkins: Checkin[]): Map<string, Checkin[]> {
  const m = new Map<string, Checkin[]>();
  for (const c of checkins) m.set(key(c.employee, c.time), [...(m.get(key(c.employee, c.time)) ?? []), c]);
  return m;
}

export function failedEntryOf(entry: LedgerEntry, failed: FailedPunch[]): FailedPunch | undefined {
  return failed.find((f) =>
    entry.id !== null ? f.transactionId === entry.id : (f.raw as { chaos_ref?: unknown })?.chaos_ref === entry.spec.ref,
  );
}

/**
 * The failed punch standing for `e`: its own, or — for a row BioTime lists twice (same code, time and state) —
 * the one of its twin. The engine records the second row as a duplicate of the first, so when the first fails,
 * the failed punch of the first is the outcome of both.
 */
export function failedOfGroup(world: ChaosWorld, e: LedgerEntry, failed: FailedPunch[]): FailedPunch | undefined {
  const own = failedEntryOf(e, failed);
  if (own || e.spec.kind === 'emptyCode' || e.spec.kind === 'badTime' || e.spec.kind === 'noId') return own;
  const twin = (x: LedgerEntry) =>
    x !== e &&
    x.spec.code === e.spec.code &&
    x.spec.time === e.spec.time &&
    x.spec.state === e.spec.state &&
    (x.spec.kind === 'dupRow' || e.spec.kind === 'dupRow');
  for (const x of world.ledger)
    if (twin(x)) {
      const f = failedEntryOf(x, failed);
      if (f) return f;
    }
  return undefined;
}

function label(e: LedgerEntry): string {
  return `punch ${e.spec.ref} (${e.id === null ? 'no id' : `transaction ${e.id}`}, ${e.spec.kind}, code '${e.spec.code}', ${e.spec.time}, state ${JSON.stringify(e.spec.state)})`;
}

/** Did the punch get an outcome (a checkin, or a failed punch)? Skipped punches leave no trace and count as done. */
export function processed(
  world: ChaosWorld,
  e: LedgerEntry,
  checkins: Map<string, Checkin[]>,
  failed: FailedPunch[],
): boolean {
  const x = expectationOf(world.scenario, e.spec, world.employees);
  if (x.type === 'skip') return true;
  if (failedOfGroup(world, e, failed)) return true;
  return (x.type === 'checkin' || x.type === 'manual') && (checkins.get(key(x.employee, x.time))?.length ?? 0) > 0;
}

/**
 * The cursor never passes a punch without an outcome: every transaction that existed when the cycle began and
 * whose id the cursor moved past in this cycle has a checkin or a failed punch now, or is still a watched gap
 * (`status --json` lists them): the engine has not passed that id, every run reads it again. A punch deferred so is
 * checked again after each later cycle (the caller carries `deferred` over) until it has an outcome; once it is
 * no longer watched without one, the cursor has passed it for good.
 */
export function checkCursor(world: ChaosWorld, c: CursorCheck): { violations: Violation[]; deferred: LedgerEntry[] } {
  const checkins = byKey(checkinsOf(world));
  const violations: Violation[] = [];
  const deferred: LedgerEntry[] = [];
  const watched = (id: number) => c.watched.some((g) => id >= g.from && id <= g.to);
  const fresh = world.ledger.filter(
    (e) =>
      e.id !== null && e.id > c.before && e.id <= c.after && (e.cycle < c.cycle || (e.cycle === c.cycle && !e.midRead)),
  );
  for (const e of new Set([...c.deferred, ...fresh])) {
    if (processed(world, e, checkins, c.failed)) continue;
    if (watched(e.id!)) deferred.push(e);
    else
      violations.push({
        kind: 'cursor',
        entry: e,
        detail: `after cycle ${c.cycle + 1} the cursor is ${c.after} (was ${c.before}) but ${label(e)} has no checkin and no failed punch${c.deferred.includes(e) ? ' and is no longer a watched gap' : ''}`,
      });
  }
  return { violations, deferred };
}

export interface CursorCheck {
  cycle: number;
  /** The cursor after the previous cycle and after this one. */
  before: number;
  after: number;
  failed: FailedPunch[];
  /** The engine's watched gaps after this cycle (`status --json`). */
  watched: WatchedGap[];
  /** Punches an earlier check left for later because their ids were watched gaps. */
  deferred: LedgerEntry[];
}

export interface FinalTally {
  created: number;
  lost: number;
  duplicated: number;
  wrong: number;
  failedByReason: Record<string, number>;
}

/** The end state after the final clean cycle: exactly one checkin per eligible punch, a reason for every other. */
export function checkFinal(world: ChaosWorld, failed: FailedPunch[], violations: Violation[]): FinalTally {
  const all = checkinsOf(world);
  const map = byKey(all);
  const deviceUrl = world.biotime.url;
  const tally: FinalTally = {
    created: all.filter((c) => c.device_id === deviceUrl).length,
    lost: 0,
    duplicated: 0,
    wrong: 0,
    failedByReason: {},
  };
  for (const f of failed) tally.failedByReason[f.failure] = (tally.failedByReason[f.failure] ?? 0) + 1;
  const report = (kind: 'lost' | 'wrong' | 'duplicated', detail: string, n = 1) => {
    tally[kind] += n;
    violations.push({ kind, detail });
  };
  for (const [k, list] of map)
    if (list.length > 1)
      report(
        'duplicated',
        `${list.length} checkins share employee and time ${k}: ${list.map((c) => `${c.name} (${c.device_id})`).join(', ')}`,
        list.length - 1,
      );
  const expectedKeys = new Set<string>();
  for (const e of world.ledger) {
    const x: Expectation = expectationOf(world.scenario, e.spec, world.employees);
    const f = failedEntryOf(e, failed);
    const found = 'time' in x && x.employee && x.time ? (map.get(key(x.employee, x.time)) ?? []) : [];
    switch (x.type) {
      case 'checkin': {
        expectedKeys.add(key(x.employee, x.time));
        if (!found.length) {
          if (f)
            report(
              'wrong',
              `${label(e)} should be a checkin of ${x.employee} at ${x.time} but is a failed punch: ${f.failure}: ${f.reason}`,
            );
          else report('lost', `${label(e)}: no checkin of ${x.employee} at ${x.time} and no failed punch`);
          break;
        }
        const c = found[0];
        if ((c.log_type ?? null) !== x.logType || c.device_id !== deviceUrl)
          report(
            'wrong',
            `${label(e)}: checkin ${c.name} has log type ${c.log_type ?? '-'} and device_id ${c.device_id}; expected ${x.logType ?? '-'} and ${deviceUrl}`,
          );
        if (f)
          report(
            'wrong',
            `${label(e)} has checkin ${c.name} but is still listed as failed (${f.failure}: ${f.reason})`,
          );
        break;
      }
      case 'manual':
        expectedKeys.add(key(x.employee, x.time));
        if (found.length === 1 && found[0].device_id !== 'manual entry')
          report('wrong', `${label(e)}: the hand-entered checkin was replaced by ${found[0].name}`);
        if (!found.length)
          report('lost', `${label(e)}: the hand-entered checkin of ${x.employee} at ${x.time} is gone`);
        if (f)
          report(
            'wrong',
            `${label(e)} duplicates a hand-entered checkin but is listed as failed (${f.failure}: ${f.reason})`,
          );
        break;
      case 'failed': {
        const groupF = f ?? failedOfGroup(world, e, failed);
        if (!f && groupF && groupF.failure === x.failure && x.reason.test(groupF.reason)) break;
        if (!f) {
          if (found.some((c) => c.device_id === deviceUrl))
            report('wrong', `${label(e)} should fail (${x.failure}) but has checkin ${found[0].name}`);
          else
            report(
              'lost',
              `${label(e)} should be a failed punch (${x.failure}) but is not listed by \`failed --json\``,
            );
        } else if (f.failure !== x.failure || !x.reason.test(f.reason)) {
          report(
            'wrong',
            `${label(e)} failed with ${f.failure}: "${f.reason}"; expected ${x.failure} matching ${x.reason}`,
          );
        }
        if (f && found.some((c) => c.device_id === deviceUrl))
          report('wrong', `${label(e)} is a failed punch but checkin ${found[0].name} exists`);
        break;
      }
      case 'skip':
        if (f) report('wrong', `${label(e)} should be skipped but is a failed punch (${f.failure}: ${f.reason})`);
        if (found.some((c) => c.device_id === deviceUrl))
          report('wrong', `${label(e)} should be skipped but has checkin ${found[0].name}`);
        break;
    }
  }
  for (const c of all) {
    if (c.device_id === deviceUrl && !expectedKeys.has(key(c.employee, c.time)))
      report('wrong', `checkin ${c.name} (${c.employee} at ${c.time}) matches no punch that should create one`);
  }
  return tally;
}

/** Each employee's enabled/disabled state on the mechanism matches their latest punch (by punch time). */
export function checkUserControl(world: ChaosWorld): Violation[] {
  const s = world.scenario;
  if (s.userControl === 'off') return [];
  const out: Violation[] = [];
  const latest = new Map<string, { time: string; logType: 'IN' | 'OUT'; ref: string }>();
  for (const e of world.ledger) {
    const x = expectationOf(s, e.spec, world.employees);
    if (x.type !== 'checkin' || !x.logType) continue;
    const prev = latest.get(e.spec.code);
    if (!prev || prev.time < x.time) latest.set(e.spec.code, { time: x.time, logType: x.logType, ref: e.spec.ref });
  }
  const btEmployees = world.biotime.store.employees();
  const resigned = new Set(world.biotime.store.resigns().map((r) => String(r.emp_code)));
  const users = new Map(world.frappe.store.users().map((u) => [String(u.name), u]));
  for (const p of s.people) {
    const last = p.exempt ? undefined : latest.get(p.code);
    const wantEnabled = !last || last.logType === 'IN';
    let enabled: boolean;
    if (s.userControl === 'area') {
      const emp = btEmployees.find((x) => x.emp_code === p.code) as { area?: { area_code: string }[] } | undefined;
      const codes = (emp?.area ?? []).map((a) => a.area_code);
      enabled = !(codes.length === 1 && codes[0] === NO_ACCESS_AREA);
      if (enabled && !codes.includes('HQ'))
        out.push({
          kind: 'userControl',
          detail: `employee ${p.code} is in areas [${codes.join(', ')}]: neither its own area nor only ${NO_ACCESS_AREA}`,
        });
    } else if (s.userControl === 'resign') {
      enabled = !resigned.has(p.code);
    } else {
      if (!p.inFrappe) continue;
      enabled = Number(users.get(`u${p.code}@example.com`)?.enabled ?? 1) === 1;
    }
    if (enabled !== wantEnabled) {
      out.push({
        kind: 'userControl',
        detail: `employee ${p.code} is ${enabled ? 'enabled' : 'disabled'} (${s.userControl}) but its latest punch ${last ? `${last.ref} at ${last.time} is ${last.logType}` : 'is none'}`,
      });
    }
  }
  return out;
}

/** Finds planted secrets (and every BioTime token seen on the wire) in a text. Returns the names found. */
export function findSecrets(text: string, secrets: Map<string, string>): string[] {
  const hits: string[] = [];
  for (const [name, value] of secrets) if (value && value.length >= 6 && text.includes(value)) hits.push(name);
  return hits;
}

/** Every file in the state directory, quarantined ones included: nothing secret may be in any of them. */
export function scanStateDir(dir: string, secrets: Map<string, string>, tokens: Set<string>): Violation[] {
  const out: Violation[] = [];
  const walk = (d: string): string[] =>
    fs.existsSync(d)
      ? fs
          .readdirSync(d, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]))
      : [];
  for (const file of walk(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(dir, file);
    for (const name of findSecrets(text, secrets))
      out.push({ kind: 'secretLeak', detail: `${name} written to the state file ${rel}` });
    // The token cache is the one place a BioTime token may be kept (0600); anywhere else it is a leak.
    if (path.basename(file) === 'tokens.json') continue;
    for (const t of tokens)
      if (t.length >= 16 && text.includes(t))
        out.push({ kind: 'secretLeak', detail: `a BioTime token is written to the state file ${rel}` });
  }
  return out;
}
