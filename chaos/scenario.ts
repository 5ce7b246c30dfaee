// The scenario generator: everything a run does, drawn up front from the run's seed as plain data, so a failing
// run can be printed and replayed (`--seed S --only N`). Runtime facts (transaction ids, request order) follow
// deterministically from it; nothing here looks at the clock.
import type { FaultKind } from '../src/sandbox/common/faults';
import { Rng, runSeed } from './rng';
import { addDays } from './zones';

export type Action = 'IN' | 'OUT' | 'NONE' | 'SKIP';
export type UserControlMode = 'off' | 'area' | 'resign' | 'frappe-user';

export interface Person {
  code: string;
  /** false: the Biometric ID exists in BioTime only (an unknown employee for Frappe). */
  inFrappe: boolean;
  status: 'Active' | 'Inactive';
  /** Assigned a Shift Type with strict log type: checkins without IN/OUT are refused. */
  strict: boolean;
  exempt: boolean;
}

/**
 * normal/late/dupRow/manual/oddState are eligible records; emptyCode/badTime/noId are unusable ones; dstGap has a
 * wall time that does not exist in the device's zone. Whether an eligible record becomes a checkin also depends
 * on the person (unknown, inactive, strict shift) and on the punch state's action: the ledger decides that.
 */
export type PunchKind =
  'normal' | 'late' | 'dupRow' | 'manual' | 'oddState' | 'emptyCode' | 'badTime' | 'noId' | 'dstGap';

export interface PunchSpec {
  /** Unique in the run; also written into the BioTime record (`chaos_ref`) to recognise id-less rows. */
  ref: string;
  kind: PunchKind;
  code: string;
  time: string;
  state: string | number | null;
  /** dupRow: the punch it repeats. */
  dupOf?: string;
}

export type Server = 'biotime' | 'frappe';
export type FaultTarget = 'login' | 'transactions' | 'personnel' | 'insert' | 'lookup' | 'any';

export interface FaultPlan {
  server: Server;
  kind: FaultKind;
  count: number;
  target: FaultTarget;
}

export type KillPoint = 'biotimePage' | 'frappeInsert' | 'frappeRequest' | 'stateWrite';

export interface KillSpec {
  at: KillPoint;
  /** The k-th such request (or state write) of the cycle. */
  k: number;
  /** Frappe requests: the killed request is also lost on the way (never processed). */
  drop: boolean;
  /** State writes: die just before the operation or just after it. */
  phase: 'before' | 'after';
}

export type AuthFault = 'biotimeWrongPassword' | 'biotimePasswordChanged' | 'frappeWrongSecret';

export interface CycleSpec {
  /** Punches uploaded before the cycle; `reserveAt` positions in this list leave an id gap filled later. */
  punches: PunchSpec[];
  /** Punches committed into earlier-reserved id gaps before the cycle (rows committed out of id order). */
  fills: PunchSpec[];
  /** Punches whose id is reserved now (between the cycle's punches) and committed by a later cycle. */
  reserved: { after: number; punch: PunchSpec }[];
  http: FaultPlan[];
  random?: { server: Server; rate: number; kinds: FaultKind[] };
  auth?: AuthFault;
  jwtExpireAfter?: number;
  /** BioTime's clock offset from true time during this cycle. */
  skewSeconds: number;
  kill?: KillSpec;
  /** A second CLI process started on the same state directory while the first syncs. */
  concurrent?: 'run' | 'rerun' | 'status';
  /**
   * While the CLI pages through the transactions (at its k-th page request): uploads, commits into reserved ids,
   * and deletions of rows already synced (rows shift between pages both ways).
   */
  midRead?: { atPage: number; punches: PunchSpec[]; fills: PunchSpec[]; deletes: number };
  /** The k-th checkin insert of the cycle is committed but its answer held past the client's timeout. */
  lateAnswer?: { k: number };
  /**
   * The k-th request to `server` of the cycle (a Frappe insert, a BioTime transaction page) is processed, then
   * its answer trickles: headers at once, one body byte every `everyMs` (longer than the client's deadline).
   */
  trickle?: { server: Server; k: number; everyMs: number };
  /** The state directory's disk fills up at the CLI's k-th state-changing file operation (ENOSPC from then on). */
  diskFullAt?: number;
  /** The CLI is stopped (SIGSTOP) at its k-th request to a sandbox and resumed (SIGCONT) `ms` later. */
  stop?: { k: number; ms: number };
  /** The CLI's wall clock jumps by `ms` after it read the clock `after` times (timers are not affected). */
  clockJump?: { ms: number; after: number };
  /** After the cycle, a reader of `failed --json` closes its pipe at the first chunk. */
  pipeClosed: boolean;
  json: boolean;
}

export interface Scenario {
  campaignSeed: number;
  index: number;
  seed: number;
  siteZone: string;
  /** null: not configured, the device uses the site's zone. */
  deviceZone: string | null;
  /** false: the site's zone is not configured and must be read from Frappe. */
  siteZoneInConfig: boolean;
  /** TZ of the CLI process (differs from both servers on purpose). */
  processTz: string;
  pageSize: number;
  authScheme: 'jwt' | 'token';
  punchStates: Record<string, Action>;
  otherPunchStates: Action;
  userControl: UserControlMode;
  internalHost: boolean;
  people: Person[];
  cycles: CycleSpec[];
  secrets: {
    biotimePassword: string;
    frappeApiKey: string;
    frappeApiSecret: string;
    wrongPassword: string;
    wrongSecret: string;
  };
}

export const HTTP_KINDS: readonly FaultKind[] = ['500', '502', '503', 'timeout', 'reset', '429', 'malformed', 'html'];
const ZONES = [
  'Asia/Dubai',
  'Asia/Riyadh',
  'Asia/Kolkata',
  'UTC',
  'Europe/London',
  'America/New_York',
  'Asia/Kathmandu',
];
/** A wall time inside the spring-forward gap of the zones that have one. */
const DST_GAPS: Record<string, string> = {
  'Europe/London': '2026-03-29 01:30:00',
  'America/New_York': '2026-03-08 02:30:00',
};
const CODES = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '0042', '42', '2001', '3300'];
/** Punches are dated from here on, one day per cycle; late uploads go back up to five days (no DST change in range). */
const FIRST_DAY = '2026-11-08';
/** Ids uploaded between a reserved gap and its fill stay well under the engine's 50-id overlap window. */
const MAX_IDS_PER_CYCLE = 38;

/** `quick` leaves out the faults that cost a full client timeout (5 s each): for the short campaign in npm test. */
export function generateScenario(campaignSeed: number, index: number, opts: { quick?: boolean } = {}): Scenario {
  const seed = runSeed(campaignSeed, index);
  const r = new Rng(seed);
  const g = new Generator(r);
  const siteZone = r.pick(ZONES);
  const deviceZone = r.chance(0.7) ? r.pick(ZONES) : null;
  const punchStates: Record<string, Action> = { '0': 'IN', '1': 'OUT' };
  for (const [state, action] of [
    ['2', 'OUT'],
    ['3', 'IN'],
    ['4', 'NONE'],
    ['5', 'OUT'],
    ['255', 'SKIP'],
  ] as const)
    if (r.chance(0.5)) punchStates[state] = action;
  const otherPunchStates = r.pick<Action>(['IN', 'IN', 'OUT', 'NONE', 'SKIP']);
  const userControl = r.pick<UserControlMode>(['off', 'off', 'area', 'resign', 'frappe-user']);
  const people = g.people(r.int(5, 8), userControl !== 'off', punchStates, otherPunchStates);
  const scenario: Scenario = {
    campaignSeed,
    index,
    seed,
    siteZone,
    deviceZone,
    siteZoneInConfig: r.chance(0.7),
    processTz: r.pick(['UTC', 'Asia/Tokyo', 'America/Los_Angeles', 'Asia/Dubai']),
    pageSize: r.int(10, 16),
    authScheme: r.chance(0.8) ? 'jwt' : 'token',
    punchStates,
    otherPunchStates,
    userControl,
    internalHost: r.chance(0.5),
    people,
    cycles: [],
    secrets: {
      biotimePassword: `Bt-Pass-${r.hex(6)}`,
      frappeApiKey: `fk-${r.hex(6)}`,
      frappeApiSecret: `fs-${r.hex(8)}`,
      wrongPassword: `Wrong-Pass-${r.hex(6)}`,
      wrongSecret: `fs-wrong-${r.hex(8)}`,
    },
  };
  const skew = r.chance(0.5) ? r.int(-86_400, 86_400) : 0;
  const states = [...Object.keys(punchStates), '0', '1', '0', '1'];
  const cycles = r.int(3, 5);
  // Each timeout costs the CLI's 5 s timeout (plus retries): at most one of each kind per scenario, in some.
  let timeoutBudget = r.chance(0.3) && !opts.quick ? 1 : 0;
  let lateAnswerBudget = r.chance(0.25) && !opts.quick ? 1 : 0;
  // A trickling answer also costs a full client deadline.
  let trickleBudget = r.chance(0.3) && !opts.quick ? 1 : 0;
  let pendingReserved: PunchSpec[] = [];
  for (let c = 0; c < cycles; c++) {
    const day = addDays(FIRST_DAY, c);
    const cycle: CycleSpec = {
      punches: [],
      fills: [],
      reserved: [],
      http: [],
      skewSeconds: skew && r.chance(0.15) ? 0 : skew,
      json: r.chance(0.5),
      pipeClosed: false,
    };
    const midRead = r.chance(0.3);
    // Gaps reserved by the previous cycle are committed now, or while the CLI reads (mid-read).
    const fillsNow = midRead && r.chance(0.5) ? [] : pendingReserved;
    cycle.fills = fillsNow;
    const budget = MAX_IDS_PER_CYCLE - (midRead ? 5 : 0);
    cycle.punches = g.cyclePunches(c, day, people, states, scenario.deviceZone ?? siteZone, budget - 3);
    const reserve = r.chance(0.35) ? r.int(1, 3) : 0;
    for (let i = 0; i < reserve; i++)
      cycle.reserved.push({ after: r.int(0, cycle.punches.length), punch: g.punch(c, 'normal', day, people, states) });
    cycle.reserved.sort((a, b) => a.after - b.after);
    if (midRead) {
      const punches: PunchSpec[] = [];
      for (let i = r.int(1, 4); i > 0; i--) punches.push(g.punch(c, 'normal', day, people, states));
      cycle.midRead = {
        atPage: r.int(1, 3),
        punches,
        fills: fillsNow === pendingReserved ? [] : pendingReserved,
        deletes: c > 0 && r.chance(0.5) ? r.int(1, 3) : 0,
      };
    }
    pendingReserved = cycle.reserved.map((x) => x.punch);
    for (let i = r.int(0, 4); i > 0; i--) {
      let kind = r.pick(HTTP_KINDS);
      if (kind === 'timeout' && timeoutBudget-- <= 0) kind = '503';
      const server = r.pick<Server>(['biotime', 'frappe']);
      const target =
        server === 'biotime'
          ? r.pick<FaultTarget>(['login', 'transactions', 'transactions', 'personnel', 'any'])
          : r.pick<FaultTarget>(['insert', 'insert', 'lookup', 'any']);
      cycle.http.push({ server, kind, count: r.int(1, 2), target });
    }
    if (lateAnswerBudget > 0 && r.chance(0.3)) {
      lateAnswerBudget--;
      cycle.lateAnswer = { k: r.int(1, 3) };
    }
    if (r.chance(0.3))
      cycle.random = {
        server: r.pick<Server>(['biotime', 'frappe']),
        rate: r.int(3, 12) / 100,
        kinds: r.sample(
          HTTP_KINDS.filter((k) => k !== 'timeout'),
          r.int(2, 5),
        ),
      };
    if (r.chance(0.15))
      cycle.auth = r.pick<AuthFault>(['biotimeWrongPassword', 'biotimePasswordChanged', 'frappeWrongSecret']);
    if (r.chance(0.3)) cycle.jwtExpireAfter = r.int(1, 6);
    if (r.chance(0.45)) {
      const at = r.pick<KillPoint>([
        'biotimePage',
        'frappeInsert',
        'frappeInsert',
        'frappeRequest',
        'stateWrite',
        'stateWrite',
      ]);
      const k =
        at === 'biotimePage'
          ? r.int(1, 4)
          : at === 'frappeInsert'
            ? r.int(1, 3)
            : at === 'frappeRequest'
              ? r.int(1, 8)
              : r.int(1, 45);
      cycle.kill = { at, k, drop: at.startsWith('frappe') && r.chance(0.3), phase: r.chance(0.5) ? 'before' : 'after' };
    } else if (r.chance(0.3)) {
      cycle.concurrent = r.pick(['run', 'run', 'rerun', 'status'] as const);
    }
    drawFieldFaults(r, cycle, opts.quick ?? false, () => trickleBudget-- > 0);
    scenario.cycles.push(cycle);
  }
  return scenario;
}

const HOUR_MS = 3_600_000;

/**
 * Faults met in the field (issue 13), drawn after the others so a cycle's earlier draws keep their meaning: a full
 * state disk (alone with the HTTP faults: its check compares what Frappe received with what the run reports, which
 * a lost answer or a second process would blur), a trickling answer, a stopped and resumed process, a wall-clock
 * jump, and a reader that closes its pipe early.
 */
function drawFieldFaults(r: Rng, cycle: CycleSpec, quick: boolean, trickle: () => boolean): void {
  const alone = !cycle.kill && !cycle.concurrent && !cycle.lateAnswer;
  if (alone && r.chance(0.15)) cycle.diskFullAt = r.int(1, 60);
  if (!cycle.diskFullAt && r.chance(0.5) && trickle()) {
    const server = r.pick<Server>(['biotime', 'frappe']);
    cycle.trickle = { server, k: server === 'frappe' ? r.int(1, 3) : r.int(1, 4), everyMs: r.int(1500, 3000) };
  }
  if (!cycle.diskFullAt && !cycle.kill && r.chance(0.15))
    cycle.stop = { k: r.int(1, 8), ms: r.int(100, quick ? 800 : 6500) };
  if (r.chance(0.15))
    cycle.clockJump = {
      ms: r.pick([-24 * HOUR_MS, -2 * HOUR_MS, 2 * HOUR_MS, 24 * HOUR_MS, 7 * 24 * HOUR_MS]),
      after: r.int(0, 300),
    };
  cycle.pipeClosed = r.chance(0.25);
}

class Generator {
  private n = 0;
  /** code|time pairs in use: two different punches never share employee and time (that would be a duplicate). */
  private readonly used = new Set<string>();
  private readonly eligible: PunchSpec[] = [];

  constructor(private readonly r: Rng) {}

  people(count: number, userControl: boolean, states: Record<string, Action>, other: Action): Person[] {
    const r = this.r;
    const people: Person[] = r
      .sample(CODES, count)
      .map((code) => ({ code, inFrappe: true, status: 'Active', strict: false, exempt: false }));
    const roles = r.shuffle(people.map((_, i) => i));
    if (r.chance(0.7)) people[roles[0]].inFrappe = false;
    if (r.chance(0.6)) people[roles[1]].status = 'Inactive';
    const hasNone = Object.values(states).includes('NONE') || other === 'NONE';
    if (hasNone && r.chance(0.6)) people[roles[2]].strict = true;
    if (userControl && r.chance(0.4)) people[roles[3]].exempt = true;
    return people;
  }

  cyclePunches(
    c: number,
    day: string,
    people: Person[],
    states: string[],
    deviceZone: string,
    budget: number,
  ): PunchSpec[] {
    const r = this.r;
    const out: PunchSpec[] = [];
    for (let i = r.int(6, 20); i > 0; i--) out.push(this.punch(c, 'normal', day, people, states));
    if (r.chance(0.5))
      for (let i = r.int(1, 5); i > 0; i--) out.push(this.punch(c, 'late', addDays(day, -r.int(1, 5)), people, states));
    if (r.chance(0.4) && this.eligible.length) {
      for (let i = r.int(1, 3); i > 0; i--) {
        const of = r.pick(this.eligible);
        out.push({ ref: this.ref(c), kind: 'dupRow', code: of.code, time: of.time, state: of.state, dupOf: of.ref });
      }
    }
    const active = people.filter((p) => p.inFrappe && p.status === 'Active' && !p.strict);
    if (r.chance(0.3) && active.length)
      for (let i = r.int(1, 2); i > 0; i--) out.push(this.punch(c, 'manual', day, active, states));
    if (r.chance(0.5)) {
      for (let i = r.int(1, 3); i > 0; i--)
        out.push(this.punch(c, r.pick(['emptyCode', 'badTime', 'noId', 'oddState'] as const), day, people, states));
    }
    if (DST_GAPS[deviceZone] && r.chance(0.2)) {
      const p = this.punch(c, 'normal', day, people, states);
      out.push({ ...p, kind: 'dstGap', time: DST_GAPS[deviceZone] });
    }
    return r.shuffle(out).slice(0, budget);
  }

  punch(c: number, kind: PunchKind, day: string, people: Person[], states: string[]): PunchSpec {
    const r = this.r;
    const code = r.pick(people).code;
    let time = '';
    for (let tries = 0; tries < 50; tries++) {
      time = `${day} ${pad(r.int(5, 21))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}`;
      if (!this.used.has(`${code}|${time}`)) break;
    }
    this.used.add(`${code}|${time}`);
    let state: string | number | null = r.pick(states);
    const spec: PunchSpec = { ref: this.ref(c), kind, code, time, state };
    switch (kind) {
      case 'emptyCode':
        spec.code = r.pick(['', '   ']);
        break;
      case 'badTime':
        spec.time = r.pick(['not a time', '2026-13-45 25:61:00', '', '20261108 0800']);
        break;
      case 'oddState':
        state = r.pick<string | number | null>(['7', 'X', '', null, 9, 15]);
        spec.state = state;
        break;
      default:
        break;
    }
    if (kind === 'normal' || kind === 'late' || kind === 'oddState') this.eligible.push(spec);
    return spec;
  }

  private ref(c: number): string {
    return `c${c}p${this.n++}`;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** One line per cycle: what a reader needs to replay a failing run by hand. */
export function describeScenario(s: Scenario): string {
  const lines = [
    `scenario ${s.index} (run seed ${s.seed}): site zone ${s.siteZone}${s.siteZoneInConfig ? '' : ' (read from Frappe)'}, device zone ${s.deviceZone ?? '(site)'}, process TZ ${s.processTz}, pageSize ${s.pageSize}, auth ${s.authScheme}, user control ${s.userControl}${s.internalHost ? ', next links on an internal host' : ''}`,
    `  people: ${s.people.map((p) => `${p.code}${p.inFrappe ? '' : '(unknown)'}${p.status === 'Inactive' ? '(inactive)' : ''}${p.strict ? '(strict)' : ''}${p.exempt ? '(exempt)' : ''}`).join(' ')}; states ${JSON.stringify(s.punchStates)} other ${s.otherPunchStates}`,
  ];
  s.cycles.forEach((c, i) => {
    const kinds = new Map<string, number>();
    for (const p of c.punches) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    const parts = [
      `${c.punches.length} punches (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`,
      c.fills.length ? `${c.fills.length} out-of-order commits` : '',
      c.reserved.length ? `${c.reserved.length} ids reserved` : '',
      c.http.length ? `http ${c.http.map((f) => `${f.server}:${f.target}:${f.kind}×${f.count}`).join(' ')}` : '',
      c.random ? `random ${c.random.server} ${c.random.rate} [${c.random.kinds.join(',')}]` : '',
      c.auth ?? '',
      c.jwtExpireAfter ? `tokens expire after ${c.jwtExpireAfter} requests` : '',
      c.skewSeconds ? `BioTime clock ${c.skewSeconds > 0 ? '+' : ''}${c.skewSeconds} s` : '',
      c.kill
        ? `SIGKILL at ${c.kill.at} #${c.kill.k}${c.kill.drop ? ' (request lost)' : ''}${c.kill.at === 'stateWrite' ? ` ${c.kill.phase}` : ''}`
        : '',
      c.concurrent ? `concurrent ${c.concurrent}` : '',
      c.midRead
        ? `mid-read at page ${c.midRead.atPage}: ${c.midRead.punches.length} uploads, ${c.midRead.fills.length} out-of-order commits, ${c.midRead.deletes} synced rows deleted`
        : '',
      c.lateAnswer ? `answer to insert #${c.lateAnswer.k} held past the timeout after the commit` : '',
      c.trickle
        ? `${c.trickle.server} answer #${c.trickle.k} trickles (1 byte / ${c.trickle.everyMs} ms) after the commit`
        : '',
      c.diskFullAt ? `state disk full from file operation #${c.diskFullAt}` : '',
      c.stop ? `SIGSTOP at request #${c.stop.k}, SIGCONT ${c.stop.ms} ms later` : '',
      c.clockJump ? `wall clock jumps ${c.clockJump.ms / 3_600_000} h after ${c.clockJump.after} reads` : '',
      c.pipeClosed ? 'failed --json read through a pipe closed early' : '',
      c.json ? '--json' : '',
    ];
    lines.push(`  cycle ${i + 1}: ${parts.filter(Boolean).join('; ')}`);
  });
  lines.push('  final: faults cleared, right credentials, one clean run');
  return lines.join('\n');
}
