// The Test Connection report as Markdown: one section per device or site, one line per check, the fix under each
// failing check. vscode-free and unit-tested.
import type { DoctorCheck } from '../../shared/model';

// Text symbols rather than emoji: they render in every font the Markdown preview may fall back to.
const MARK: Record<DoctorCheck['status'], string> = { ok: '✔ ok', warn: '⚠ warning', fail: '✖ failed' };

export interface DoctorTally {
  ok: number;
  warn: number;
  fail: number;
}

export function tally(checks: DoctorCheck[]): DoctorTally {
  const t = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) t[c.status]++;
  return t;
}

export function tallyText(t: DoctorTally): string {
  return [`${t.ok} ok`, t.warn ? `${t.warn} warning${t.warn > 1 ? 's' : ''}` : '', t.fail ? `${t.fail} failed` : '']
    .filter(Boolean)
    .join(', ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function doctorMarkdown(checks: DoctorCheck[], generatedAt: Date, scope: string): string {
  const t = tally(checks);
  const lines = [
    `# BioTime Sync — Test Connection (${scope})`,
    '',
    `${generatedAt.toLocaleString()} · ${tallyText(t)}`,
    '',
    t.fail
      ? '**Something needs fixing**: each failed check says what to do.'
      : t.warn
        ? 'Everything needed works; the warnings are worth a look.'
        : 'Everything checked works.',
  ];
  const byTarget = new Map<string, DoctorCheck[]>();
  for (const c of checks) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  for (const [target, list] of byTarget) {
    lines.push('', `## ${target}`, '', '| Status | Check | Result |', '|---|---|---|');
    for (const c of list)
      lines.push(
        `| ${MARK[c.status]} | ${cell(c.check)} | ${cell(c.detail)}${c.fix && c.status !== 'ok' ? `<br>**Fix:** ${cell(c.fix)}` : ''} |`,
      );
  }
  return lines.join('\n') + '\n';
}

/** The first failing (else warning) check, for a one-line summary. */
export function worstCheck(checks: DoctorCheck[]): DoctorCheck | undefined {
  return checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn');
}
