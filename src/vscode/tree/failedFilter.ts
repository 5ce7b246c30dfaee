// The filters of the Failed Punches list (device, site, reason) as pure functions. vscode-free and unit-tested.
import type { FailedPunch } from '../../shared/model';

export interface FailedFilter {
  device?: string;
  site?: string;
  /** A failure code (unknownEmployee, validation, …) as FailedPunch.failure holds it. */
  reason?: string;
}

/** The site a failed punch is for: the one it was recorded for, else its device's current site. */
export function siteOfFailed(f: FailedPunch, deviceSite: (deviceId: string) => string | undefined): string | undefined {
  return f.site ?? deviceSite(f.deviceId);
}

export function applyFailedFilter(
  list: readonly FailedPunch[],
  filter: FailedFilter,
  deviceSite: (deviceId: string) => string | undefined,
): FailedPunch[] {
  return list.filter(
    (f) =>
      (!filter.device || f.deviceId === filter.device) &&
      (!filter.site || siteOfFailed(f, deviceSite) === filter.site) &&
      (!filter.reason || f.failure === filter.reason),
  );
}

/** "device hq · reason unknownEmployee"; empty when nothing is filtered. */
export function filterText(filter: FailedFilter): string {
  return [
    filter.device && `device ${filter.device}`,
    filter.site && `site ${filter.site}`,
    filter.reason && `reason ${filter.reason}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The values present in the list, with how many punches each has, for the filter's pick list. */
export function filterChoices(
  list: readonly FailedPunch[],
  deviceSite: (deviceId: string) => string | undefined,
): { device: Map<string, number>; site: Map<string, number>; reason: Map<string, number> } {
  const count = (m: Map<string, number>, k: string | undefined) => k && m.set(k, (m.get(k) ?? 0) + 1);
  const out = { device: new Map<string, number>(), site: new Map<string, number>(), reason: new Map<string, number>() };
  for (const f of list) {
    count(out.device, f.deviceId);
    count(out.site, siteOfFailed(f, deviceSite));
    count(out.reason, f.failure);
  }
  return out;
}
