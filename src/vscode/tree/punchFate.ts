// What became of a punch a run recorded as failed: still failing, resolved by a later run (with the outcome that
// resolved it), dismissed by the operator, or no longer failing for a reason this window cannot know. The tree and
// the mapping panel both say this instead of assuming that "no longer in the failed list" means "resolved".
import type { SyncEngineApi } from '../../core/engineApi';
import type { OutcomeKind } from '../../shared/model';
import type { PunchNow } from '../../shared/webviewProtocol';
import { whenText } from './format';

export type { PunchNow };

/** Later runs read at most: older resolutions show as "no longer failing". */
const MAX_LATER_RUNS = 60;

/**
 * The present state of the punches `keys` of `deviceId` that failed in run `runId`. Later runs of the device are
 * read newest first, and only until every key that left the failed list is accounted for.
 */
export async function punchFates(
  engine: SyncEngineApi,
  deviceId: string,
  runId: string,
  keys: string[],
): Promise<Map<string, PunchNow>> {
  const out = new Map<string, PunchNow>();
  if (!keys.length) return out;
  const failing = new Set((await engine.listFailed(deviceId)).map((f) => f.key));
  const open = new Set<string>();
  for (const k of keys) {
    if (failing.has(k)) out.set(k, { state: 'failing' });
    else open.add(k);
  }
  if (open.size) {
    const later = (await engine.listRuns(deviceId, 200))
      .filter((r) => r.runId > runId && r.kind !== 'dryRun')
      .slice(0, MAX_LATER_RUNS);
    for (const r of later) {
      if (!open.size) break;
      for await (const o of engine.runOutcomes(r.runId)) {
        if (!open.has(o.key) || o.outcome === 'failed') continue;
        out.set(o.key, {
          state: 'resolved',
          outcome: o.outcome as Exclude<OutcomeKind, 'failed'>,
          runId: r.runId,
          runKind: r.kind,
          at: r.finishedAt ?? r.startedAt,
          ...(o.checkin ? { checkin: o.checkin } : {}),
          ...(o.duplicateOf ? { checkin: o.duplicateOf } : {}),
        });
        open.delete(o.key);
      }
    }
  }
  if (open.size) {
    // The engine records dismissals apart from the failed list: a dismissed punch has no checkin.
    const dismissed = new Map((await engine.listDismissed(deviceId)).map((d) => [d.key, d.dismissedAt]));
    for (const k of open) {
      const at = dismissed.get(k);
      out.set(k, at ? { state: 'dismissed', at } : { state: 'gone' });
    }
  }
  return out;
}

/** "resolved since: created HR-CHK-0007 (Rerun 10:05)", "dismissed 10:07: no checkin was created", … */
export function fateText(fate: PunchNow, now: Date): string {
  switch (fate.state) {
    case 'failing':
      return 'still failing';
    case 'resolved': {
      const what = fate.outcome === 'duplicate' ? 'a checkin already existed' : fate.outcome;
      const by = `${fate.runKind === 'rerun' ? 'rerun' : 'sync'} ${whenText(fate.at, now)}`;
      return `resolved since: ${what}${fate.checkin ? ` ${fate.checkin}` : ''} (${by})`;
    }
    case 'dismissed':
      return `dismissed ${whenText(fate.at, now)}: no checkin was created`;
    case 'gone':
      return 'no longer failing (rerun or dismissed elsewhere; no record of which)';
    default: {
      const never: never = fate;
      return never;
    }
  }
}
