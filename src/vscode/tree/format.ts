// Text for tree items and the status bar: relative times, durations, run counts. vscode-free and unit-tested.
import type { OutcomeCounts, RunSummary } from '../../shared/model';

export function relativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now.getTime()) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 45
      ? 'a few seconds'
      : abs < 90
        ? '1 min'
        : abs < 3600
          ? `${Math.round(abs / 60)} min`
          : abs < 5400
            ? '1 h'
            : abs < 86_400
              ? `${Math.round(abs / 3600)} h`
              : `${Math.round(abs / 86_400)} d`;
  if (abs < 45) return s <= 0 ? 'just now' : 'in a few seconds';
  return s <= 0 ? `${text} ago` : `in ${text}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '…';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** "12 created · 3 duplicate · 1 failed" (zero counts left out, "nothing new" when all are zero). */
export function countsText(c: OutcomeCounts): string {
  const parts = [
    c.created && `${c.created} created`,
    c.duplicate && `${c.duplicate} duplicate`,
    c.failed && `${c.failed} failed`,
    c.skipped && `${c.skipped} skipped`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : c.fetched ? `${c.fetched} fetched` : 'nothing new';
}

/** Local wall-clock time of an ISO instant: "14:05:09" today, "Mar 3 14:05" otherwise. */
export function whenText(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleString('en', { month: 'short' })} ${d.getDate()} ${time.slice(0, 5)}`;
}

const KIND_LABEL: Record<RunSummary['kind'], string> = { sync: 'Sync', rerun: 'Rerun', dryRun: 'Preview' };

export function runLabel(run: RunSummary, now: Date): string {
  return `${KIND_LABEL[run.kind]} ${whenText(run.startedAt, now)}`;
}

export function runDescription(run: RunSummary): string {
  if (run.status === 'running') return 'running…';
  if (run.status === 'cancelled') return `cancelled after ${duration(run.durationMs)}`;
  if (run.status === 'interrupted') return 'interrupted: the process stopped (killed or crashed)';
  if (run.status === 'failed' && run.error) return `failed: ${run.error.message}`;
  return `${duration(run.durationMs)} · ${countsText(run.counts)}`;
}
