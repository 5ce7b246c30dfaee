// The punch history page: the filters of `biotime-sync history`, the matching punches newest first, and the whole
// lineage of the punch the operator opens (raw BioTime record → decision → checkin link → user-control call).
import type { HistoryPunch, PunchLineage } from '../shared/history';
import { HISTORY_OUTCOMES } from '../shared/history';
import { parseFilters, parseHostToHistory, type HistoryFilters, type HistoryToHost } from '../shared/consoleProtocol';

interface VsCodeApi {
  postMessage(msg: HistoryToHost): void;
  getState(): unknown;
  setState(s: { filters: HistoryFilters }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let filters: HistoryFilters = parseFilters((vscode.getState() as { filters?: unknown } | undefined)?.filters) ?? {
  limit: 200,
};
let seq = 0;
let lineageBox: HTMLElement | undefined;
let resultsBox: HTMLElement | undefined;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  return el('label', {}, el('span', { textContent: label }), input);
}

function select(name: keyof HistoryFilters, all: string, values: string[]): HTMLSelectElement {
  const s = el('select', { name });
  s.append(el('option', { value: '', textContent: all }));
  for (const v of values) s.append(el('option', { value: v, textContent: v, selected: filters[name] === v }));
  return s;
}

function buildForm(devices: string[], sites: string[]): HTMLFormElement {
  const text = (name: keyof HistoryFilters, placeholder: string, type = 'text') =>
    el('input', { name, type, placeholder, value: String(filters[name] ?? '') });
  const form = el(
    'form',
    { className: 'filters' },
    field('Device', select('device', 'All devices', devices)),
    field('Site', select('site', 'All sites', sites)),
    field('Code', text('code', 'BioTime emp_code')),
    field('Employee', text('employee', 'HR-EMP-…')),
    field('Name', text('name', 'part of a name')),
    field('From', text('from', '', 'date')),
    field('To', text('to', '', 'date')),
    field('Outcome', select('outcome', 'Any outcome', [...HISTORY_OUTCOMES, 'rerun'])),
    field('Terminal', text('terminal', 'serial or alias')),
    field('Limit', text('limit', '200', 'number')),
    el('button', { type: 'submit', textContent: 'Search' }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const raw: Record<string, unknown> = {};
    for (const input of Array.from(form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[name]')))
      if (input.value.trim()) raw[input.name] = input.value.trim();
    raw.limit = Number(raw.limit) || 200;
    const f = parseFilters(raw);
    if (!f) {
      resultsBox?.replaceChildren(
        el('p', {
          className: 'error',
          role: 'alert',
          textContent: 'A filter is not valid: check the dates and the limit (1-10000).',
        }),
      );
      return;
    }
    search(f);
  });
  return form;
}

function search(f: HistoryFilters): void {
  filters = f;
  vscode.setState({ filters });
  resultsBox?.setAttribute('aria-busy', 'true');
  vscode.postMessage({ type: 'search', seq: ++seq, filters });
}

function outcomeText(p: HistoryPunch): string {
  if (p.outcome === 'created') return `created ${p.checkin ?? ''}`;
  if (p.outcome === 'duplicate') return `duplicate of ${p.duplicateOf ?? '?'}`;
  if (p.outcome === 'failed' || p.outcome === 'dismissed') return `${p.outcome}: ${p.reason ?? p.failure ?? ''}`;
  return p.outcome;
}

function renderResults(list: HistoryPunch[], truncated: boolean, lines: number): void {
  if (!resultsBox) return;
  resultsBox.removeAttribute('aria-busy');
  if (!list.length)
    return void resultsBox.replaceChildren(el('p', { textContent: 'No punch in the history matches.' }));
  const head = ['Punch time', 'Device', 'Id', 'Code', 'Name', 'Terminal', 'State', 'Uploaded', 'Outcome'];
  const body = el('tbody');
  for (const p of list) {
    const open = el('button', {
      type: 'button',
      className: 'link',
      textContent: p.punchTime,
      title: 'Show the lineage of this punch',
    });
    open.addEventListener('click', () =>
      vscode.postMessage({ type: 'open', deviceId: p.deviceId, key: p.key, punchTime: p.punchTime }),
    );
    const cells = [
      p.deviceId,
      p.transactionId === null ? p.key.slice(0, 12) : String(p.transactionId),
      p.empCode,
      p.employeeName ? `${p.name} (${p.employeeName})` : p.name,
      p.terminalAlias || p.terminalSn,
      `${p.punchStateDisplay || p.punchState} → ${p.logType ?? '-'}`,
      p.uploadTime ?? '-',
      outcomeText(p) + (p.rerun ? ' (rerun)' : ''),
    ];
    body.append(
      el('tr', { className: `o-${p.outcome}` }, el('td', {}, open), ...cells.map((c) => el('td', { textContent: c }))),
    );
  }
  resultsBox.replaceChildren(
    el('p', {
      className: 'muted',
      textContent: `${list.length} punch(es)${truncated ? ', the newest; more match (raise the limit or narrow the filters)' : ''}; ${lines} stored line(s) read.`,
    }),
    el(
      'table',
      {},
      el('caption', { textContent: 'Punches, newest first' }),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', textContent: h })))),
      body,
    ),
  );
}

function renderLineage(l: PunchLineage | null, checkinUrl: string | null): void {
  if (!lineageBox) return;
  if (!l) return void lineageBox.replaceChildren(el('p', { textContent: 'This punch is no longer in the history.' }));
  const p = l.punch;
  const steps = el('ol', { className: 'steps' });
  steps.append(
    el(
      'li',
      {},
      el('strong', { textContent: 'BioTime record' }),
      l.raw
        ? el('pre', { textContent: JSON.stringify(l.raw, null, 2) })
        : el('p', {
            className: 'muted',
            textContent: 'BioTime no longer has this transaction, or could not be reached (see the log).',
          }),
    ),
  );
  for (const s of l.steps) {
    const what =
      s.kind === 'dismissed'
        ? 'Dismissed by the operator'
        : s.kind === 'userControl'
          ? `User control: ${s.userControl?.action} (${s.userControl?.mode}) → ${s.userControl?.result}${s.userControl?.detail ? `: ${s.userControl.detail}` : ''}`
          : `Decision (${s.runKind === 'rerun' ? 'rerun' : 'sync'}): ${s.outcome}` +
            (s.employee ? `, employee ${s.employee}` : '') +
            (s.logType ? `, log type ${s.logType}` : '') +
            (s.siteTime ? `, checkin time ${s.siteTime}` : '') +
            (s.checkin ? ` → checkin ${s.checkin}` : '') +
            (s.duplicateOf ? ` → duplicate of ${s.duplicateOf}` : '') +
            (s.reason ? ` — ${s.reason}` : '') +
            (s.recovered ? ' (found created by an interrupted attempt)' : '');
    steps.append(
      el(
        'li',
        {},
        el('span', { className: 'muted', textContent: `${s.at}${s.runId ? ` · run ${s.runId}` : ''} ` }),
        what,
      ),
    );
  }
  const actions = el('div', { className: 'toolbar' });
  if (p.checkin && checkinUrl) {
    const b = el('button', { type: 'button', textContent: `Open checkin ${p.checkin} in Frappe` });
    b.addEventListener('click', () =>
      vscode.postMessage({ type: 'openCheckin', deviceId: p.deviceId, name: p.checkin! }),
    );
    actions.append(b);
  }
  lineageBox.replaceChildren(
    el('h2', { textContent: `Punch ${p.transactionId ?? p.key} — ${p.empCode} ${p.name} at ${p.punchTime}` }),
    el('p', { textContent: `Now: ${outcomeText(p)}` }),
    steps,
    actions,
  );
  lineageBox.focus();
}

window.addEventListener('message', (e) => {
  const m = parseHostToHistory(e.data);
  if (!m) return;
  switch (m.type) {
    case 'init': {
      if (!vscode.getState()) filters = m.filters;
      resultsBox = el('div', { className: 'results' });
      resultsBox.setAttribute('aria-live', 'polite');
      lineageBox = el('section', { className: 'lineage', tabIndex: -1 });
      lineageBox.setAttribute('aria-label', 'Lineage of the opened punch');
      app.replaceChildren(
        el('h1', { textContent: 'Punch history' }),
        buildForm(m.devices, m.sites),
        resultsBox,
        lineageBox,
      );
      app.removeAttribute('aria-busy');
      search(filters);
      break;
    }
    case 'results':
      if (m.seq === seq) renderResults(m.result.punches, m.result.truncated, m.result.scanned.lines);
      break;
    case 'lineage':
      renderLineage(m.lineage, m.checkinUrl);
      break;
    case 'error':
      (resultsBox ?? app).replaceChildren(el('p', { className: 'error', role: 'alert', textContent: m.message }));
      break;
  }
});
vscode.postMessage({ type: 'ready' });
