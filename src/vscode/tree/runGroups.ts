// How the trees group what they show (issue 15, many sites): devices by site, runs by device, and runs that
// brought nothing new folded into one line per stretch. vscode-free and unit-tested.
import type { DeviceStatus, RunSummary } from '../../shared/model';
import { whenText } from './format';

/** A scheduled run that completed and brought nothing: nothing fetched, nothing written, nothing failed. */
export function isQuiet(r: RunSummary): boolean {
  const c = r.counts;
  return (
    r.kind === 'sync' &&
    r.status === 'completed' &&
    !c.fetched &&
    !c.created &&
    !c.duplicate &&
    !c.failed &&
    !c.skipped &&
    !c.userControlCalls
  );
}

export type RunItem = { kind: 'run'; run: RunSummary } | { kind: 'quiet'; runs: RunSummary[] };

/**
 * Runs (newest first) with each stretch of at least `min` consecutive quiet runs folded into one item; a lone quiet
 * run stays a run, so a stretch line always stands for several.
 */
export function foldQuietRuns(runs: readonly RunSummary[], min = 2): RunItem[] {
  const out: RunItem[] = [];
  let stretch: RunSummary[] = [];
  const flush = () => {
    if (stretch.length >= min) out.push({ kind: 'quiet', runs: stretch });
    else out.push(...stretch.map((run) => ({ kind: 'run' as const, run })));
    stretch = [];
  };
  for (const r of runs) {
    if (isQuiet(r)) stretch.push(r);
    else {
      flush();
      out.push({ kind: 'run', run: r });
    }
  }
  flush();
  return out;
}

/** "12 runs with nothing new, 09:00–10:00" (the runs are newest first). */
export function quietLabel(runs: readonly RunSummary[], now: Date): string {
  const short = (iso: string) => whenText(iso, now).replace(/^(\d\d:\d\d):\d\d$/, '$1');
  return `${runs.length} runs with nothing new, ${short(runs[runs.length - 1].startedAt)}–${short(runs[0].startedAt)}`;
}

/** Why a device needs the operator, one short reason each; empty when it does not. Disabled devices never do. */
export function attentionReasons(s: DeviceStatus): string[] {
  if (!s.enabled) return [];
  const out: string[] = [];
  if (s.health === 'error') out.push(`failing: ${s.lastError?.message ?? 'its last run failed'}`);
  if (s.failedCount > 0) out.push(`${s.failedCount} failed punch${s.failedCount === 1 ? '' : 'es'} waiting`);
  const offline = s.terminals.filter((t) => t.offline);
  if (offline.length) out.push(`terminal(s) offline: ${offline.map((t) => t.alias || t.sn).join(', ')}`);
  return out;
}

export interface SiteGroup {
  site: string;
  devices: DeviceStatus[];
}

/** Devices by site, sites in the order of the settings; a device whose site is unknown goes under "(no site)". */
export function groupBySite(
  statuses: readonly DeviceStatus[],
  siteOf: (deviceId: string) => string | undefined,
  siteOrder: readonly string[],
): SiteGroup[] {
  const groups = new Map<string, DeviceStatus[]>(siteOrder.map((s) => [s, []]));
  for (const s of statuses) {
    const site = siteOf(s.deviceId) ?? '(no site)';
    const list = groups.get(site) ?? [];
    list.push(s);
    groups.set(site, list);
  }
  return [...groups].filter(([, d]) => d.length).map(([site, devices]) => ({ site, devices }));
}

/** "3 devices · 1 failing · 12 failed punches" */
export function siteDescription(devices: readonly DeviceStatus[]): string {
  const failing = devices.filter((d) => d.enabled && d.health === 'error').length;
  const failed = devices.reduce((n, d) => n + (d.failedCount ?? 0), 0);
  const disabled = devices.filter((d) => !d.enabled).length;
  return [
    `${devices.length} device${devices.length === 1 ? '' : 's'}`,
    failing && `${failing} failing`,
    failed && `${failed} failed punch${failed === 1 ? '' : 'es'}`,
    disabled && `${disabled} disabled`,
  ]
    .filter(Boolean)
    .join(' · ');
}
