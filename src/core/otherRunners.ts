// "Another installation is syncing this device": checkins carrying this device's device_id (its BioTime URL) that
// Frappe created in the last day and that none of this installation's runs created. Two runners of one device
// duplicate checkins (HRMS's duplicate check is not atomic: two identical insert_many at once both succeed, j2),
// so doctor and `status` say so as soon as it shows.
import type { DeviceConfig } from './configTypes';
import type { CheckinSink, Clock, SyncStateStore } from './ports';
import { RUNS_KEPT_PER_DEVICE } from './state/fileStateStore';
import { formatInZone } from './time';

export const OTHER_RUNNER_WINDOW_MS = 24 * 3_600_000;

export interface OtherRunnerReport {
  deviceId: string;
  /** Checkins of the window this installation did not create (names), oldest first. */
  foreign: string[];
  /** Checkins with this device_id in the window, ours included. */
  seen: number;
  /** Start of the window, naive site time. */
  since: string;
}

export async function findOtherRunner(o: {
  device: DeviceConfig;
  sink: CheckinSink;
  store: SyncStateStore;
  clock: Clock;
  siteZone: string;
  signal?: AbortSignal;
}): Promise<OtherRunnerReport> {
  const now = o.clock.now().getTime();
  const runs = await o.store.listRuns(o.device.id, RUNS_KEPT_PER_DEVICE + 50);
  let start = now - OTHER_RUNNER_WINDOW_MS;
  // Older run records are pruned: only the stretch the kept records cover can be told apart.
  if (runs.length >= RUNS_KEPT_PER_DEVICE) start = Math.max(start, Date.parse(runs[runs.length - 1].startedAt));
  const ours = new Set<string>();
  for (const r of runs) {
    if (r.finishedAt && Date.parse(r.finishedAt) < start) continue;
    for await (const out of o.store.readRunOutcomes(r.runId)) {
      if (out.checkin) ours.add(out.checkin);
      if (out.wrongCheckin) ours.add(out.wrongCheckin);
    }
  }
  const since = formatInZone(new Date(start), o.siteZone);
  const recent = await o.sink.recentCheckinsOfDevice(o.device.url, since, o.signal);
  return {
    deviceId: o.device.id,
    foreign: recent.filter((c) => !ours.has(c.name)).map((c) => c.name),
    seen: recent.length,
    since,
  };
}

/** The warning doctor and `status` show; undefined when nothing foreign was seen. */
export function otherRunnerWarning(
  r: OtherRunnerReport,
  device: DeviceConfig,
): { detail: string; fix: string } | undefined {
  if (!r.foreign.length) return undefined;
  const shown = r.foreign.slice(0, 5).join(', ') + (r.foreign.length > 5 ? `, … (${r.foreign.length - 5} more)` : '');
  return {
    detail: `Another installation is syncing this device: ${r.foreign.length} checkin(s) with device_id ${device.url} were created since ${r.since} (site time) that none of this installation's runs created (${shown}). Two installations syncing one device create duplicate checkins.`,
    fix: 'Let one machine sync this device: stop the other installation (VS Code: "BioTime Sync: Stop Syncing This Device Here" on that machine; CLI: remove the device from its config or stop its schedule). See "Moving a device to another machine" in the README.',
  };
}
