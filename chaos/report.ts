// The campaign's table (stdout; its last line is "N passed, N failed") and the failing runs to replay.
import type { CampaignResult } from './campaign';
import { replayCommand } from './campaign';
import { describeScenario } from './scenario';

const order = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

export function renderTable(r: CampaignResult, header: string): string {
  const t = r.totals;
  const row = (k: string, v: string | number) => `${k.padEnd(26)}${v}`;
  const lines = [
    header,
    '',
    row(
      'runs',
      `${t.runs} (${t.passed} passed, ${t.failed} failed) in ${(t.durationMs / 1000).toFixed(0)} s, ${t.cliProcesses} CLI processes`,
    ),
    row('punches', t.punches),
    row('created (checkins)', t.created),
    row(
      'failed punches by reason',
      order(t.failedByReason)
        .map(([k, n]) => `${k} ${n}`)
        .join(' · ') || '-',
    ),
    row('lost', t.lost),
    row('duplicated', t.duplicated),
    row('wrong', t.wrong),
    row('other violations', t.violations.filter((v) => !['lost', 'duplicated', 'wrong'].includes(v.kind)).length),
    '',
    'faults injected by kind',
    ...order(t.faults).map(([k, n]) => `  ${k.padEnd(48)}${String(n).padStart(6)}`),
  ];
  if (t.failed) {
    lines.push('', 'FAILED RUNS');
    for (const rep of r.reports.filter((x) => !x.passed)) {
      lines.push(
        '',
        `run ${rep.index} (run seed ${rep.seed}) — ${rep.violations.length} violation(s)${rep.dir ? `; files kept in ${rep.dir}` : ''}`,
      );
      const shown = rep.violations.slice(0, 12);
      for (const v of shown) lines.push(`  [${v.kind}] ${v.detail}`);
      if (rep.violations.length > shown.length) lines.push(`  … ${rep.violations.length - shown.length} more`);
      const s = r.scenarios.get(rep.index);
      if (s) lines.push(describeScenario(s).replace(/^/gm, '  '));
      lines.push(`  replay: ${replayCommand(t.seed, rep.index, t.quick)}`);
    }
  }
  lines.push('', `${t.passed} passed, ${t.failed} failed`);
  return lines.join('\n');
}
