// Frappe HR marks attendance only from checkins before a Shift Type's "Last Sync of Checkin". Moved too early,
// people still punching on an offline terminal are marked absent; never moved, nothing is marked. After each run
// the Shift Types fed by a site's devices are moved forward (never back) to the latest time up to which every
// feeding device is complete — its last run succeeded and none of its terminals is behind — minus a margin.
import type { ShiftSyncRecord } from '../shared/model';
import type { DeviceConfig, SiteConfig } from './configTypes';
import { errorMessage } from './errors';
import type { CheckinSink, Clock, Logger } from './ports';
import type { DeviceState } from './types';
import { ago } from './terminals';
import { formatInZone, naiveToInstant } from './time';

export interface ShiftSyncDeps {
  site: SiteConfig;
  siteZone: string;
  devices: DeviceConfig[];
  loadDevice(id: string): Promise<DeviceState>;
  sink: CheckinSink;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
}

interface Bound {
  /** Everything before this instant has been read from BioTime. */
  at: number | null;
  reason: string;
  /** The bound comes from a terminal reported offline (it holds punches we cannot have yet). */
  offline?: boolean;
}

/** How far a device is known to be complete. */
export function deviceBound(device: DeviceConfig, st: DeviceState, siteZone: string, now: Date): Bound {
  if (st.consecutiveFailures > 0)
    return {
      at: null,
      reason: `device ${device.id}: its last run failed${st.lastError ? ` (${st.lastError.message})` : ''}`,
    };
  if (!st.lastSyncStartedAt) return { at: null, reason: `device ${device.id} has not completed a sync yet` };
  let at = Date.parse(st.lastSyncStartedAt);
  let reason = `device ${device.id} synced at ${formatInZone(new Date(at), siteZone)}`;
  let offline = false;
  const zone = device.timeZone ?? siteZone;
  for (const t of st.terminals ?? []) {
    if (!t.lastActivity) continue; // never contacted BioTime: holds no punches
    const seen = naiveToInstant(t.lastActivity, zone);
    if (seen.ok && seen.instant.getTime() < at) {
      at = seen.instant.getTime();
      reason = `terminal ${t.alias || t.sn} (device ${device.id}) last seen ${ago(now.getTime() - at)} ago`;
      offline = t.offline;
    }
  }
  return { at, reason, offline };
}

export async function syncShifts(deps: ShiftSyncDeps): Promise<ShiftSyncRecord[]> {
  const feeds = deps.site.shiftTypes;
  if (!feeds.length) return [];
  const now = deps.clock.now();
  const siteDevices = deps.devices.filter((x) => x.site === deps.site.id && x.enabled);
  const infos = new Map(
    (
      await deps.sink.getShiftTypes(
        feeds.map((f) => f.shiftType),
        deps.signal,
      )
    ).map((i) => [i.name, i]),
  );
  const bounds = new Map<string, Bound>();
  for (const dev of siteDevices)
    bounds.set(dev.id, deviceBound(dev, await deps.loadDevice(dev.id), deps.siteZone, now));
  const out: ShiftSyncRecord[] = [];
  for (const feed of feeds) {
    const info = infos.get(feed.shiftType);
    const rec = (status: ShiftSyncRecord['status'], reason: string, to: string | null = null): ShiftSyncRecord => ({
      site: deps.site.id,
      shiftType: feed.shiftType,
      from: info?.lastSyncOfCheckin ?? null,
      to,
      status,
      reason,
    });
    if (!info?.exists) {
      out.push(rec('failed', `Shift Type ${feed.shiftType} does not exist on the site`));
      continue;
    }
    if (info.autoUpdate) {
      out.push(rec('autoUpdate', 'Frappe HR updates it itself ("Auto Update Last Sync of Checkin" is on); left alone'));
      continue;
    }
    const feeding = (feed.devices ?? siteDevices.map((x) => x.id)).map(
      (id) => bounds.get(id) ?? { at: null, reason: `device ${id} is disabled` },
    );
    const blocked = feeding.find((b) => b.at === null);
    if (blocked || !feeding.length) {
      out.push(rec('held', blocked?.reason ?? 'no enabled device feeds it'));
      continue;
    }
    const binding = feeding.reduce((a, b) => ((b.at as number) < (a.at as number) ? b : a));
    const target = formatInZone(
      new Date((binding.at as number) - deps.site.shiftSyncMarginMinutes * 60_000),
      deps.siteZone,
    );
    if (info.lastSyncOfCheckin && target <= info.lastSyncOfCheckin) {
      out.push(rec(binding.offline ? 'held' : 'unchanged', `${binding.reason}; already at ${info.lastSyncOfCheckin}`));
      continue;
    }
    try {
      await deps.sink.setShiftLastSync(feed.shiftType, target, deps.signal);
      out.push(rec('moved', `${binding.reason}; margin ${deps.site.shiftSyncMarginMinutes} min`, target));
      deps.logger.info(`Shift Type ${feed.shiftType}: Last Sync of Checkin moved to ${target} (${binding.reason}).`);
    } catch (e) {
      out.push(rec('failed', `could not update it: ${errorMessage(e)}`));
    }
  }
  return out;
}
