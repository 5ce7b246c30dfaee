// Loads what a mapping panel shows — a run's outcomes, a device's failed punches, or a dry-run plan — and turns
// them into a MappingDataset with a header.
import type { SyncEngineApi } from '../../core/engineApi';
import type { FailedPunch, PunchOutcome, RunSummary } from '../../shared/model';
import type { MappingRow, MappingSourceInfo, MappingSourceRef } from '../../shared/webviewProtocol';
import { UserFacingError } from '../errors';
import { countsText, duration, runLabel } from '../tree/format';
import { fateText, punchFates } from '../tree/punchFate';
import { MappingDataset } from './mappingDataset';

export interface LoadedSource {
  info: MappingSourceInfo;
  dataset: MappingDataset;
  deviceId: string;
}

export async function collect(it: AsyncIterable<PunchOutcome>): Promise<PunchOutcome[]> {
  const out: PunchOutcome[] = [];
  for await (const o of it) out.push(o);
  return out;
}

export function failedToOutcome(f: FailedPunch): PunchOutcome {
  return {
    key: f.key,
    deviceId: f.deviceId,
    transactionId: f.transactionId ?? null,
    empCode: f.empCode,
    name: f.name,
    punchTime: f.punchTime,
    siteTime: null,
    uploadTime: f.uploadTime ?? null,
    terminalSn: f.terminalSn ?? '',
    terminalAlias: f.terminalAlias,
    punchState: f.punchState,
    punchStateDisplay: f.punchStateDisplay ?? '',
    logType: null,
    employee: null,
    employeeName: null,
    outcome: 'failed',
    reason: `${f.reason} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'})`,
    failure: f.failure,
  };
}

/** What the panel needs to know about the devices besides the engine. */
export interface SourceContext {
  /** Display name of a configured device, undefined when it is not (or no longer) configured. */
  deviceName(id: string): string | undefined;
}

/** Said wherever a removed device's history is shown: the runs stay, nothing can be rerun. */
export function removedDeviceText(deviceId: string): string {
  return `Device ${deviceId} is no longer configured (removed from the settings): its runs are kept as history and cannot be rerun.`;
}

export async function loadSource(
  engine: SyncEngineApi,
  ref: MappingSourceRef,
  context: SourceContext | ((id: string) => string),
): Promise<LoadedSource> {
  const ctx: SourceContext = typeof context === 'function' ? { deviceName: context } : context;
  if (ref.kind === 'failed') {
    const failed = await engine.listFailed(ref.deviceId);
    const name = ctx.deviceName(ref.deviceId);
    return {
      deviceId: ref.deviceId,
      dataset: new MappingDataset(failed.map(failedToOutcome)),
      info: {
        ref,
        title: `Failed punches — ${name ?? `${ref.deviceId} (removed device)`}`,
        subtitle: `${failed.length} punch(es) waiting to be rerun or dismissed`,
        isPlan: false,
        canRerun: !!name,
        ...(name ? {} : { cannotRerun: removedDeviceText(ref.deviceId) }),
      },
    };
  }
  const run = await engine.getRun(ref.runId);
  if (!run) {
    throw new UserFacingError(
      ref.kind === 'plan'
        ? 'This preview is gone: previews are kept in memory only. Run Preview Sync again.'
        : 'This run is no longer in the history.',
    );
  }
  const rows: MappingRow[] = await collect(engine.runOutcomes(ref.runId));
  const name = ctx.deviceName(run.deviceId);
  if (run.kind !== 'dryRun') await annotateFates(engine, run, rows);
  return {
    deviceId: run.deviceId,
    dataset: new MappingDataset(rows),
    info: runInfo(ref, run, name),
  };
}

/** Marks each failed row of a run with what became of the punch since, so no row offers a fix already made. */
export async function annotateFates(engine: SyncEngineApi, run: RunSummary, rows: MappingRow[]): Promise<void> {
  const failed = rows.filter((r) => r.outcome === 'failed');
  const fates = await punchFates(
    engine,
    run.deviceId,
    run.runId,
    failed.map((r) => r.key),
  );
  const now = new Date();
  for (const r of failed) {
    const fate = fates.get(r.key);
    if (!fate) continue;
    r.now = fate;
    if (fate.state === 'failing') delete r.nowText;
    else r.nowText = fateText(fate, now);
  }
}

function runInfo(ref: MappingSourceRef, run: RunSummary, device: string | undefined): MappingSourceInfo {
  const isPlan = run.kind === 'dryRun';
  const when = runLabel(run, new Date());
  const shown = device ?? `${run.deviceId} (removed device)`;
  return {
    ref,
    title: isPlan ? `Preview of the next sync — ${shown}` : `${when} — ${shown}`,
    subtitle: isPlan
      ? `Nothing was written. Would be: ${countsText(run.counts)}. Apply runs the sync for real.`
      : `${run.status} · ${duration(run.durationMs)} · ${countsText(run.counts)}${run.error ? ` · ${run.error.message}` : ''}`,
    isPlan,
    canRerun: !isPlan && !!device,
    ...(!isPlan && !device ? { cannotRerun: removedDeviceText(run.deviceId) } : {}),
  };
}
