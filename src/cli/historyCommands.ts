// `biotime-sync history`, `report`, `report missing-checkouts`, and the CSV form of `failed`. Read-only commands:
// they never take the state lock, so they work while `watch` runs.
import type { EngineHandle } from '../app/createEngine';
import { buildReport } from '../core/history/report';
import { missingCheckouts } from '../core/history/missingCheckouts';
import { recentShiftHistory } from '../core/state/shiftHistoryFile';
import { UsageError } from './args';
import type { CliArgs } from './args';
import { historyCsv, historyTable, missingTable, reportText } from './historyFormat';
import type { CliIo } from './main';

type Cmd = (h: EngineHandle, a: CliArgs, io: CliIo) => Promise<number>;

/** The operator's zone: the machine's (TZ), in which --from/--to/--date are read. */
export function operatorZone(env: NodeJS.ProcessEnv): string {
  return env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Devices the filters select: configured ones, plus any that only the history still knows (removed since). */
async function selectDevices(h: EngineHandle, a: CliArgs): Promise<{ id: string; site: string; dir: string }[]> {
  const cfg = h.engine.config;
  const known = new Map(cfg.devices.map((d) => [d.id, d.site]));
  for (const id of await h.history.devices()) if (!known.has(id)) known.set(id, '');
  if (a.site && !cfg.sites.some((s) => s.id === a.site))
    throw new UsageError(
      `No site '${a.site}' is configured (configured: ${cfg.sites.map((s) => s.id).join(', ') || 'none'}).`,
    );
  if (a.device && !known.has(a.device))
    throw new UsageError(
      `No device '${a.device}' is configured or has a history (known: ${[...known.keys()].join(', ') || 'none'}).`,
    );
  return [...known]
    .filter(([id, site]) => (!a.device || id === a.device) && (!a.site || site === a.site))
    .map(([id, site]) => ({ id, site, dir: h.history.deviceDir(id) }));
}

export const history: Cmd = async (h, a, io) => {
  const devices = await selectDevices(h, a);
  const r = await h.history.search(
    devices.map((d) => d.id),
    {
      empCode: a.code,
      employee: a.employee,
      name: a.name,
      from: a.from,
      to: a.to,
      zone: operatorZone(io.env),
      outcome: a.outcome,
      terminal: a.terminal,
      limit: a.limit ?? 100,
    },
  );
  if (a.json) io.out(JSON.stringify(r, null, 2));
  else if (a.csv) io.out(historyCsv(r.punches).trimEnd());
  else if (!r.punches.length) io.out('No punch in the history matches.');
  else
    io.out(
      `${historyTable(r.punches)}${r.truncated ? `\n\nShowing the newest ${r.punches.length}; more match (raise --limit or narrow the filters).` : ''}`,
    );
  return 0;
};

export const report: Cmd = async (h, a, io) => {
  const devices = await selectDevices(h, a);
  const zone = operatorZone(io.env);
  if (a.positional[0] === 'missing-checkouts') {
    const list = await missingCheckouts({
      history: h.history,
      devices,
      date: a.date!,
      shiftSites: new Set(h.engine.config.sites.filter((s) => s.shiftTypes.length).map((s) => s.id)),
      site: a.site,
    });
    if (a.json) io.out(JSON.stringify({ date: a.date, missing: list }, null, 2));
    else io.out(list.length ? missingTable(list) : `No missing check-out on ${a.date}.`);
    return 0;
  }
  const r = await buildReport({
    devices,
    days: a.days ?? 30,
    zone,
    now: new Date(),
    site: a.site,
    status: await h.engine.status(),
    shifts: await h.engine.shiftStatus(),
  });
  const shiftHistory = await recentShiftHistory(h.store.dir, h.engine.config.sites, a.site ?? null, r.days, new Date());
  io.out(a.json ? JSON.stringify({ ...r, shiftHistory }, null, 2) : reportText(r, shiftHistory));
  return 0;
};

export { failedCsv } from '../core/csv';
