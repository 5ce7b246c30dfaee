// Missing check-outs: employees whose last punch of a day is an IN with no later OUT, per site. Read-only: it
// reads the history and never creates or changes a punch or a checkin. Punches are grouped per site and employee
// (the Frappe employee when known, else the BioTime code), so an IN at one terminal and an OUT at another count
// together. Days are the site's days (the checkin time sent to Frappe). Where the site has Shift Types configured,
// an OUT up to SHIFT_WINDOW_HOURS after the IN — even after midnight — closes it (night shifts); this is a window,
// not the Shift Type's own start and end times, which the product does not read.
import type { HistoryPunch, MissingCheckout } from '../../shared/history';
import type { PunchHistory } from './punchHistory';

export const SHIFT_WINDOW_HOURS = 16;

export interface MissingInput {
  history: PunchHistory;
  devices: { id: string; site: string }[];
  /** `YYYY-MM-DD`, a day of the site. */
  date: string;
  /** Sites with Shift Types configured. */
  shiftSites: Set<string>;
  site?: string;
}

const DAY_MS = 86_400_000;

export async function missingCheckouts(input: MissingInput): Promise<MissingCheckout[]> {
  const days = [-1, 0, 1].map((n) =>
    new Date(Date.parse(`${input.date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10),
  );
  const groups = new Map<string, { site: string; punches: HistoryPunch[] }>();
  for (const d of input.devices) {
    if (input.site && d.site !== input.site) continue;
    for (const p of await input.history.punchesOn(d.id, days)) {
      if (!p.logType || p.outcome === 'skipped' || p.outcome === 'dismissed') continue;
      const person = `${d.site}\u0000${p.employee ?? `code:${p.empCode}`}`;
      let g = groups.get(person);
      if (!g) groups.set(person, (g = { site: d.site, punches: [] }));
      g.punches.push(p);
    }
  }
  const out: MissingCheckout[] = [];
  for (const g of groups.values()) {
    const sorted = g.punches.sort((a, b) => local(a).localeCompare(local(b)));
    const ofDay = sorted.filter((p) => local(p).startsWith(input.date));
    const last = ofDay[ofDay.length - 1];
    if (!last || last.logType !== 'IN') continue;
    const limit = input.shiftSites.has(g.site)
      ? naiveMs(local(last)) + SHIFT_WINDOW_HOURS * 3_600_000
      : naiveMs(`${input.date} 23:59:59`);
    const closed = sorted.some((p) => p.logType === 'OUT' && local(p) > local(last) && naiveMs(local(p)) <= limit);
    if (closed) continue;
    out.push({
      site: g.site,
      day: input.date,
      empCode: last.empCode,
      employee: last.employee,
      name: last.employeeName ?? last.name,
      lastIn: local(last),
      deviceId: last.deviceId,
      terminal: last.terminalAlias || last.terminalSn,
      outcome: last.outcome,
    });
  }
  return out.sort((a, b) => a.site.localeCompare(b.site) || a.name.localeCompare(b.name));
}

/** The punch's time in the site's zone (what became the checkin time), BioTime's when it never got that far. */
function local(p: HistoryPunch): string {
  return p.siteTime ?? p.punchTime;
}

function naiveMs(t: string): number {
  return Date.parse(`${t.replace(' ', 'T')}Z`);
}
