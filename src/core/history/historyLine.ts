// One line of a history segment file, and the folding of a punch's lines into its latest outcome.
// Lines are written with short keys and `k` always first: a search finds candidate lines by substring before it
// parses anything, and reads the punch key of a line without parsing it (see historySearch.ts).
import type { HistoryOutcome, HistoryPunch, HistoryStep } from '../../shared/history';
import type { PunchOutcome, RunKind, UserControlRecord } from '../../shared/model';
import type { HistoryDismissal } from '../types';

/** An event line: `v` says which: o = an outcome of a run, p = a later user-control result, x = dismissed. */
export interface EventLine {
  k: string;
  v: 'o' | 'p' | 'x';
  r: string;
  a: string;
  rk?: 'rerun';
  o?: HistoryOutcome;
  i?: number | null;
  c?: string;
  n?: string;
  t?: string;
  pi?: string | null;
  u?: string | null;
  st?: string | null;
  ts?: string;
  ta?: string;
  ps?: string;
  pd?: string;
  lt?: 'IN' | 'OUT' | null;
  e?: string | null;
  en?: string | null;
  ci?: string;
  du?: string;
  re?: string;
  fc?: PunchOutcome['failure'];
  uc?: UserControlRecord;
  rc?: boolean;
}

/**
 * True when JSON.stringify writes `v` as is between quotes: no quote, backslash or control character, and (to stay on
 * the safe side of well-formed JSON and of JavaScript string literals) no surrogate, U+2028 or U+2029.
 */
function plainText(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff) || c === 0x2028 || c === 0x2029)
      return false;
  }
  return true;
}

/** A value as it appears in the index (and in a needle): JSON string escapes, no quotes. */
export function esc(v: string | null | undefined): string {
  if (!v) return '';
  return plainText(v) ? v : JSON.stringify(v).slice(1, -1);
}

/** An index line after its key, offset and length (these are known only when the line is appended; dayIndex.ts). */
export function indexTail(l: EventLine): string {
  if (l.v === 'p') return 'kp\n';
  const kind = l.v === 'x' ? 'x' : l.rk === 'rerun' ? 'or' : 'o';
  const outcome = l.v === 'x' ? 'dismissed' : (l.o ?? '');
  return `k${kind}\to${outcome}\tc${esc(l.c)}\te${esc(l.e)}\ts${esc(l.ts)}\ta${esc(l.ta)}\tn${esc(l.n)}\tN${esc(l.en)}\n`;
}

/**
 * An outcome's line as the writer appends it: the event's own members, then the outcome itself as `x`, in the very
 * JSON text the run record holds (`json`, JSON.stringify of the outcome). Encoding each punch once for both files
 * halved what keeping the history costs per punch. Readers see the same EventLine as before (parseEventLine expands
 * `x` with outcomeLine), and older lines, written with the outcome's fields inline, read as they always did.
 * `outcomeLineWriter` fixes what every line of a batch shares (run, kind, time of writing) once, and gives each line's
 * head: the line is the head, the outcome's JSON and a closing brace.
 */
export function outcomeLineWriter(
  runId: string,
  runKind: RunKind,
  at: string,
): (key: string, instant: string | null) => string {
  const shared = `,"v":"o","r":${JSON.stringify(runId)},"a":${JSON.stringify(at)}${runKind === 'rerun' ? ',"rk":"rerun"' : ''}`;
  return (key, instant) => {
    const k = plainText(key) ? `"${key}"` : JSON.stringify(key);
    const pi = instant === null ? '' : `,"pi":${JSON.stringify(instant)}`;
    return `{"k":${k}${shared}${pi},"x":`;
  };
}

/** The whole line: a head from outcomeLineWriter, then the outcome's JSON and the closing brace. */
export function outcomeLineText(head: string, json: string): string {
  return `${head}${json}}`;
}

/**
 * `indexTail(outcomeLine(o, …))` without the line object. `json`, the outcome's JSON.stringify when the caller has
 * it, saves checking each value for characters to escape: JSON.stringify writes every character the index escapes
 * (quote, backslash, control characters, lone surrogates) as an escape, so JSON text without a backslash holds none.
 */
export function outcomeTail(o: PunchOutcome, runKind: RunKind, json?: string): string {
  const kind = runKind === 'rerun' ? 'or' : 'o';
  const { empCode: c, employee: e, terminalSn: ts, terminalAlias: ta, name: n, employeeName: en } = o;
  if (
    typeof c === 'string' &&
    typeof ts === 'string' &&
    typeof ta === 'string' &&
    typeof n === 'string' &&
    (e === null || e === undefined || typeof e === 'string') &&
    (en === null || en === undefined || typeof en === 'string') &&
    (json !== undefined
      ? json.indexOf('\\') === -1
      : plainText(c) && plainText(ts) && plainText(ta) && plainText(n) && plainText(e ?? '') && plainText(en ?? ''))
  )
    return `k${kind}\to${o.outcome ?? ''}\tc${c}\te${e ?? ''}\ts${ts}\ta${ta}\tn${n}\tN${en ?? ''}\n`;
  return indexTail(outcomeLine(o, '', runKind, '', null)); // values to escape (rare): the general way
}

export function outcomeLine(
  o: PunchOutcome,
  runId: string,
  runKind: RunKind,
  at: string,
  instant: string | null,
): EventLine {
  const l: EventLine = { k: o.key, v: 'o', r: runId, a: at };
  if (runKind === 'rerun') l.rk = 'rerun';
  Object.assign(l, punchFields(o, instant));
  l.o = o.outcome;
  l.e = o.employee;
  l.en = o.employeeName;
  l.st = o.siteTime;
  l.lt = o.logType;
  if (o.checkin) l.ci = o.checkin;
  if (o.duplicateOf) l.du = o.duplicateOf;
  if (o.reason) l.re = o.reason;
  if (o.failure) l.fc = o.failure;
  if (o.userControl) l.uc = o.userControl;
  if (o.recovered) l.rc = true;
  return l;
}

/** The punch's own fields, repeated on every line so a substring match on any of them finds every line. */
export function punchFields(o: Omit<HistoryDismissal, 'key'>, instant: string | null): Partial<EventLine> {
  return {
    i: o.transactionId,
    c: o.empCode,
    n: o.name,
    t: o.punchTime,
    pi: instant,
    u: o.uploadTime,
    ts: o.terminalSn,
    ta: o.terminalAlias,
    ps: o.punchState,
    pd: o.punchStateDisplay,
  };
}

export function parseEventLine(line: string): EventLine | undefined {
  if (!line.startsWith('{"k":')) return undefined;
  try {
    const l = JSON.parse(line) as EventLine & { x?: PunchOutcome };
    if (typeof l.k !== 'string' || typeof l.a !== 'string') return undefined;
    if (l.v !== 'o' || !l.x || typeof l.x !== 'object') return l;
    // An outcome written with outcomeLineWriter: the same event as the inline form.
    const expanded = outcomeLine(l.x, String(l.r ?? ''), l.rk === 'rerun' ? 'rerun' : 'sync', l.a, l.pi ?? null);
    expanded.k = l.k;
    return expanded;
  } catch {
    return undefined; // torn by a crash mid-append: the line is re-written from the run record
  }
}

/** The punch key of a line without parsing it (keys are digits or `raw:<hex>`: no escapes). */
export function keyOfLine(line: string): string | undefined {
  if (!line.startsWith('{"k":"')) return undefined;
  const end = line.indexOf('"', 6);
  return end > 6 ? line.slice(6, end) : undefined;
}

/**
 * Folds every line of one punch (in file order) into its latest state. The same event may be on disk twice (a
 * crash between the append and its progress mark replays it): events are deduplicated by run and kind. A punch
 * created once and read again later (a reset cursor) meets its own checkin as a duplicate: it stays created.
 */
export function foldPunch(
  deviceId: string,
  lines: EventLine[],
): { punch: HistoryPunch; steps: HistoryStep[] } | undefined {
  const seen = new Set<string>();
  const steps: HistoryStep[] = [];
  let p: HistoryPunch | undefined;
  for (const l of lines) {
    const dedupe =
      l.v === 'o' ? `o|${l.r}|${l.o}` : l.v === 'p' ? `p|${l.r}|${l.uc?.action}|${l.uc?.result}` : `x|${l.a}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    if (!p && l.v !== 'o' && l.v !== 'x') continue;
    if (!p) p = basePunch(deviceId, l);
    steps.push(stepOf(l));
    apply(p, l);
  }
  return p ? { punch: p, steps } : undefined;
}

function basePunch(deviceId: string, l: EventLine): HistoryPunch {
  return {
    deviceId,
    key: l.k,
    transactionId: l.i ?? null,
    empCode: l.c ?? '',
    name: l.n ?? '',
    punchTime: l.t ?? '',
    punchInstant: l.pi ?? null,
    uploadTime: l.u ?? null,
    siteTime: l.st ?? null,
    terminalSn: l.ts ?? '',
    terminalAlias: l.ta ?? '',
    punchState: l.ps ?? '',
    punchStateDisplay: l.pd ?? '',
    logType: l.lt ?? null,
    employee: l.e ?? null,
    employeeName: l.en ?? null,
    outcome: l.o ?? 'failed',
    rerun: false,
    firstSeenAt: l.a,
    lastChangedAt: l.a,
    runId: l.r,
  };
}

function apply(p: HistoryPunch, l: EventLine): void {
  if (l.rk === 'rerun') p.rerun = true;
  if (l.v === 'p') {
    if (l.uc && (l.r === p.runId || !p.userControl)) p.userControl = l.uc;
    return;
  }
  if (l.v === 'x') {
    if (p.outcome === 'failed') Object.assign(p, { outcome: 'dismissed', lastChangedAt: l.a, runId: l.r });
    return;
  }
  // A later duplicate of a created punch is the same checkin met again, not a new outcome.
  if (p.outcome === 'created' && l.o === 'duplicate') return;
  p.outcome = l.o ?? p.outcome;
  if (p.outcome === 'failed') p.firstFailedAt ??= l.a;
  p.lastChangedAt = l.a;
  p.runId = l.r;
  if (l.e !== undefined && l.e !== null) p.employee = l.e;
  if (l.en !== undefined && l.en !== null) p.employeeName = l.en;
  if (l.st !== undefined) p.siteTime = l.st;
  if (l.lt !== undefined) p.logType = l.lt;
  if (l.pi) p.punchInstant = l.pi;
  p.checkin = l.ci;
  p.duplicateOf = l.du;
  p.reason = l.re;
  p.failure = l.fc;
  p.userControl = l.uc;
}

function stepOf(l: EventLine): HistoryStep {
  const s: HistoryStep = {
    at: l.a,
    runId: l.r,
    kind: l.v === 'o' ? 'outcome' : l.v === 'p' ? 'userControl' : 'dismissed',
  };
  if (l.v === 'o') {
    s.runKind = l.rk ?? 'sync';
    s.outcome = l.o;
    s.employee = l.e ?? null;
    s.logType = l.lt ?? null;
    s.siteTime = l.st ?? null;
  }
  if (l.v === 'x') s.outcome = 'dismissed';
  if (l.ci) s.checkin = l.ci;
  if (l.du) s.duplicateOf = l.du;
  if (l.re) s.reason = l.re;
  if (l.fc) s.failure = l.fc;
  if (l.uc) s.userControl = l.uc;
  if (l.rc) s.recovered = true;
  return s;
}
