// Loads what a mapping panel shows — a run's outcomes, a device's failed punches, or a dry-run plan — and turns
// them into a MappingDataset with a header.
import type { SyncEngineApi } from '../../core/engineApi';
import type { FailedPunch, PunchOutcome, RunSummary } from '../../shared/model';
import type { MappingSourceInfo, MappingSourceRef } from '../../shared/webviewProtocol';
import { UserFacingError } from '../errors';
import { countsText, duration, runLabel } from '../tree/format';
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

export async function loadSource(
  engine: SyncEngineApi,
  ref: MappingSourceRef,
  deviceName: (id: string) => string,
): Promise<LoadedSource> {
  if (ref.kind === 'failed') {
    const failed = await engine.listFailed(ref.deviceId);
    return {
      deviceId: ref.deviceId,
      dataset: new MappingDataset(failed.map(failedToOutcome)),
      info: {
        ref,
        title: `Failed punches — ${deviceName(ref.deviceId)}`,
        subtitle: `${failed.length} punch(es) waiting to be rerun or dismissed`,
        isPlan: false,
        canRerun: true,
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
  const rows = await collect(engine.runOutcomes(ref.runId));
  return {
    deviceId: run.deviceId,
    dataset: new MappingDataset(rows),
    info: runInfo(ref, run, deviceName(run.deviceId)),
  };
}

function runInfo(ref: MappingSourceRef, run: RunSummary, device: string): MappingSourceInfo {
  const isPlan = run.kind === 'dryRun';
  const when = runLabel(run, new Date());
  return {
    ref,
    title: isPlan ? `Preview of the next sync — ${device}` : `${when} — ${device}`,
    subtitle: isPlan
      ? `Nothing was written. Would be: ${countsText(run.counts)}. Apply runs the sync for real.`
      : `${run.status} · ${duration(run.durationMs)} · ${countsText(run.counts)}${run.error ? ` · ${run.error.message}` : ''}`,
    isPlan,
    canRerun: !isPlan,
  };
}
