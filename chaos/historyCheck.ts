// Issue 15: the punch history agrees with Frappe after every cycle. Soundness every cycle (the history never claims
// a checkin Frappe does not have, with that employee and time); completeness after the final clean run (every
// checkin this device made in Frappe is in the history as the checkin of a created punch). In between, a SIGKILL
// may leave the history behind its run records: the next run catches it up, so only soundness is checked there.
import type { HistoryPunch } from '../src/shared/history';
import type { Checkin, Violation } from './invariants';

export function checkHistory(
  punches: HistoryPunch[],
  checkins: Checkin[],
  deviceUrl: string,
  when: string,
  final: boolean,
): Violation[] {
  const out: Violation[] = [];
  const byName = new Map(checkins.map((c) => [c.name, c]));
  const keys = new Set<string>();
  for (const p of punches) {
    if (keys.has(p.key))
      out.push({ kind: 'history', detail: `${when}: punch ${p.key} is listed twice in the history` });
    keys.add(p.key);
    if (p.outcome === 'created') {
      const c = p.checkin ? byName.get(p.checkin) : undefined;
      if (!c)
        out.push({
          kind: 'history',
          detail: `${when}: the history says punch ${p.key} created checkin ${p.checkin ?? '(none)'}, which Frappe does not have`,
        });
      else if (c.employee !== p.employee || c.time !== p.siteTime)
        out.push({
          kind: 'history',
          detail: `${when}: punch ${p.key}: the history says ${p.employee} at ${p.siteTime}, checkin ${c.name} is ${c.employee} at ${c.time}`,
        });
    }
    if (p.outcome === 'duplicate' && p.duplicateOf && !byName.has(p.duplicateOf))
      out.push({
        kind: 'history',
        detail: `${when}: punch ${p.key} is called a duplicate of ${p.duplicateOf}, which Frappe does not have`,
      });
  }
  if (final) {
    const created = new Set(punches.filter((p) => p.outcome === 'created').map((p) => p.checkin));
    for (const c of checkins)
      if (c.device_id === deviceUrl && !created.has(c.name))
        out.push({
          kind: 'history',
          detail: `${when}: checkin ${c.name} (${c.employee} at ${c.time}) is in Frappe but no punch of the history created it`,
        });
  }
  return out;
}
