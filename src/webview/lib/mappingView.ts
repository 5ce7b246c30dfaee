// DOM building for the mapping page. Only textContent and attributes are set from data (never innerHTML), so row
// contents cannot inject markup. Themed by media/mapping.css with VS Code's CSS variables.
import {
  OUTCOME_FILTERS,
  type MappingQuery,
  type MappingRow,
  type MappingSourceInfo,
  type MappingTotals,
  type SortKey,
} from '../../shared/webviewProtocol';

export interface Handlers {
  filter(outcome: MappingQuery['outcome']): void;
  search(text: string): void;
  sort(key: SortKey): void;
  page(page: number): void;
  toggle(key: string): void;
  selectFailedOnPage(): void;
  clearSelection(): void;
  rerun(): void;
  apply(): void;
  open(deviceId: string, doctype: 'Employee' | 'Employee Checkin', name: string): void;
  link(key: string): void;
  rowKey(e: KeyboardEvent, index: number): void;
  focusRow(index: number): void;
}

export interface Shell {
  tbody: HTMLTableSectionElement;
  setQuery(q: MappingQuery): void;
  setTotals(t: MappingTotals, active: MappingQuery['outcome']): void;
  setSort(key: SortKey, descending: boolean): void;
  setPager(page: number, pageCount: number, range: string): void;
  setSelectionCount(n: number): void;
  setBusy(busy: boolean, message?: string): void;
  setEmpty(empty: boolean): void;
  showUserControl(show: boolean): void;
  notice(level: 'info' | 'error', message: string): void;
  focusSearch(): void;
}

type Attrs = Record<string, string | boolean | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== undefined) e.append(c);
  return e;
}

const COLUMNS: { key?: SortKey; label: string; cls: string }[] = [
  { label: '', cls: 'sel' },
  { key: 'transactionId', label: 'BioTime id', cls: 'num' },
  { key: 'empCode', label: 'Code', cls: 'code' },
  { key: 'name', label: 'BioTime name', cls: 'name' },
  { key: 'punchTime', label: 'Punch time', cls: 'time' },
  { key: 'terminal', label: 'Terminal', cls: 'terminal' },
  { key: 'logType', label: 'State → log type', cls: 'state' },
  { key: 'employee', label: 'Employee', cls: 'employee' },
  { key: 'outcome', label: 'Outcome', cls: 'outcome' },
  { label: 'User control', cls: 'uc' },
];

const OUTCOME_LABEL: Record<string, string> = {
  all: 'All',
  created: 'Created',
  duplicate: 'Duplicate',
  failed: 'Failed',
  skipped: 'Skipped',
};

export function buildShell(root: HTMLElement, source: MappingSourceInfo, h: Handlers): Shell {
  const filterButtons = new Map<string, HTMLButtonElement>();
  const filters = el('div', { class: 'filters', role: 'group', 'aria-label': 'Filter by outcome' });
  for (const f of OUTCOME_FILTERS) {
    const b = el(
      'button',
      { type: 'button', class: `filter ${f}`, 'data-outcome': f, 'aria-pressed': 'false' },
      OUTCOME_LABEL[f],
    );
    b.addEventListener('click', () => h.filter(f));
    filterButtons.set(f, b);
    filters.append(b);
  }
  const search = el('input', {
    type: 'search',
    id: 'search',
    placeholder: 'Search code, name, employee, checkin, reason…  (press /)',
    'aria-label': 'Search punches',
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => h.search(search.value), 200);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' || e.key === 'ArrowDown') {
      e.preventDefault();
      (document.querySelector('tbody tr[tabindex="0"]') as HTMLElement | null)?.focus();
    }
  });
  const rerun = el('button', { type: 'button', id: 'rerun', class: 'primary', disabled: true }, 'Rerun selected');
  rerun.addEventListener('click', () => h.rerun());
  const selectFailed = el(
    'button',
    { type: 'button', id: 'select-failed', class: 'secondary' },
    'Select failed on page',
  );
  selectFailed.addEventListener('click', () => h.selectFailedOnPage());
  const clear = el('button', { type: 'button', id: 'clear-selection', class: 'secondary' }, 'Clear selection');
  clear.addEventListener('click', () => h.clearSelection());
  const apply = el('button', { type: 'button', id: 'apply', class: 'primary' }, 'Apply: sync now');
  apply.addEventListener('click', () => h.apply());
  const actions = el(
    'div',
    { class: 'actions' },
    ...(source.canRerun ? [selectFailed, clear, rerun] : []),
    ...(source.isPlan ? [apply] : []),
  );

  const sortButtons = new Map<SortKey, HTMLElement>();
  const headRow = el('tr');
  for (const c of COLUMNS) {
    const th = el('th', { class: c.cls, scope: 'col' });
    if (c.key) {
      const key = c.key;
      const b = el('button', { type: 'button', class: 'sort', 'data-sort': key }, c.label);
      b.addEventListener('click', () => h.sort(key));
      th.append(b);
      sortButtons.set(key, th);
    } else th.append(c.label ? c.label : el('span', { class: 'visually-hidden' }, 'Select'));
    headRow.append(th);
  }
  const tbody = el('tbody');
  const table = el(
    'table',
    { class: 'grid', 'aria-label': 'Punches and what became of them', 'aria-rowcount': '-1' },
    el('thead', {}, headRow),
    tbody,
  );
  const pagerButtons = {
    first: el('button', { type: 'button', class: 'secondary', 'aria-label': 'First page' }, '«'),
    prev: el('button', { type: 'button', class: 'secondary', 'aria-label': 'Previous page' }, '‹ Prev'),
    next: el('button', { type: 'button', class: 'secondary', 'aria-label': 'Next page' }, 'Next ›'),
    last: el('button', { type: 'button', class: 'secondary', 'aria-label': 'Last page' }, '»'),
  };
  const pageLabel = el('span', { class: 'page-label', 'aria-live': 'polite' });
  const range = el('span', { class: 'range', id: 'range' });
  let current = 0;
  let count = 1;
  let selection = 0;
  let busyNow = false;
  pagerButtons.first.addEventListener('click', () => h.page(0));
  pagerButtons.prev.addEventListener('click', () => h.page(current - 1));
  pagerButtons.next.addEventListener('click', () => h.page(current + 1));
  pagerButtons.last.addEventListener('click', () => h.page(count - 1));
  const pager = el(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    pagerButtons.first,
    pagerButtons.prev,
    pageLabel,
    pagerButtons.next,
    pagerButtons.last,
    range,
  );
  const status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const empty = el('p', { class: 'empty', hidden: true }, 'No punch matches.');

  root.replaceChildren(
    el(
      'header',
      {},
      el('h1', { id: 'title' }, source.title),
      el('p', { class: 'subtitle', id: 'subtitle' }, source.subtitle),
    ),
    el('div', { class: 'toolbar' }, filters, search, actions),
    ...(source.cannotRerun ? [el('p', { class: 'cannot-rerun', id: 'cannot-rerun' }, source.cannotRerun)] : []),
    status,
    el('div', { class: 'table-wrap' }, table, empty),
    pager,
  );
  root.setAttribute('aria-busy', 'false');

  return {
    tbody,
    setQuery: (q) => (search.value = q.search),
    setTotals: (t, active) => {
      for (const [f, b] of filterButtons) {
        b.textContent = `${OUTCOME_LABEL[f]} ${(t[f as keyof MappingTotals] ?? 0).toLocaleString()}`;
        b.setAttribute('aria-pressed', String(f === active));
      }
    },
    setSort: (key, descending) => {
      for (const [k, th] of sortButtons)
        th.setAttribute('aria-sort', k === key ? (descending ? 'descending' : 'ascending') : 'none');
    },
    setPager: (page, pageCount, text) => {
      current = page;
      count = pageCount;
      pageLabel.textContent = `Page ${page + 1} of ${pageCount}`;
      range.textContent = text;
      pagerButtons.first.disabled = pagerButtons.prev.disabled = page <= 0;
      pagerButtons.next.disabled = pagerButtons.last.disabled = page >= pageCount - 1;
    },
    setSelectionCount: (n) => {
      selection = n;
      rerun.disabled = n === 0 || busyNow;
      rerun.textContent = n ? `Rerun selected (${n})` : 'Rerun selected';
      clear.disabled = n === 0;
    },
    setBusy: (busy, message) => {
      busyNow = busy;
      root.setAttribute('aria-busy', String(busy));
      rerun.disabled = busy || selection === 0;
      apply.disabled = busy;
      if (busy && message) status.textContent = message;
      else if (!busy && status.classList.contains('busy')) status.textContent = '';
      status.classList.toggle('busy', busy);
    },
    setEmpty: (isEmpty) => (empty.hidden = !isEmpty),
    showUserControl: (show) => table.classList.toggle('no-uc', !show),
    notice: (level, message) => {
      status.textContent = message;
      status.className = `status ${level}`;
    },
    focusSearch: () => search.focus(),
  };
}

function linkButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'link', title }, text);
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

/** A failed punch that is still failing: a run's failed row may have been resolved or dismissed since. */
export function rerunnable(r: MappingRow): boolean {
  return r.outcome === 'failed' && (!r.now || r.now.state === 'failing');
}

function outcomeCell(r: MappingRow, isPlan: boolean, canRerun: boolean, h: Handlers): HTMLTableCellElement {
  const td = el('td', { class: `outcome ${r.outcome}` });
  const badge = el(
    'span',
    { class: `badge ${r.outcome}` },
    isPlan && r.outcome === 'created' ? 'would create' : r.outcome,
  );
  td.append(badge);
  if (r.outcome === 'created' && r.checkin)
    td.append(
      ' ',
      linkButton(r.checkin, 'Open the Employee Checkin in Frappe', () =>
        h.open(r.deviceId, 'Employee Checkin', r.checkin!),
      ),
    );
  if (r.recovered) td.append(' (recovered)');
  if (r.outcome === 'duplicate') {
    td.append(' of ');
    if (r.duplicateOf)
      td.append(
        linkButton(r.duplicateOf, 'Open the existing checkin in Frappe', () =>
          h.open(r.deviceId, 'Employee Checkin', r.duplicateOf!),
        ),
      );
    else td.append('an existing checkin');
  }
  if ((r.outcome === 'failed' || r.outcome === 'skipped') && r.reason)
    td.append(el('span', { class: 'reason' }, `: ${r.reason}`));
  if (r.nowText) {
    const since = el('span', { class: `since ${r.now?.state ?? ''}`, 'data-now': r.now?.state }, r.nowText);
    td.append(el('br'), since);
    if (r.now?.state === 'resolved' && r.now.checkin) {
      const name = r.now.checkin;
      td.append(
        ' ',
        linkButton('open', 'Open that Employee Checkin in Frappe', () => h.open(r.deviceId, 'Employee Checkin', name)),
      );
    }
  }
  if (rerunnable(r) && r.failure === 'unknownEmployee' && !isPlan && canRerun)
    td.append(
      ' ',
      linkButton('Link to Employee…', `Find the Employee for code ${r.empCode} and set its Biometric ID`, () =>
        h.link(r.key),
      ),
    );
  return td;
}

/** BioTime's time, and under it the time sent to Frappe (the same instant in the site's zone) when it differs. */
function timeCell(r: MappingRow): HTMLTableCellElement {
  const td = el('td', { class: 'time' }, r.punchTime);
  if (r.siteTime && r.siteTime !== r.punchTime)
    td.append(
      el('br'),
      el(
        'span',
        { class: 'site-time', title: 'The time sent to Frappe: the same instant in the site time zone' },
        `→ ${r.siteTime} site`,
      ),
    );
  return td;
}

export function renderRow(
  r: MappingRow,
  o: { selected: boolean; focused: boolean; isPlan: boolean; canRerun: boolean; flash: boolean },
  h: Handlers,
): HTMLTableRowElement {
  const tr = el('tr', {
    'data-key': r.key,
    'data-outcome': r.outcome,
    'data-now': r.now?.state,
    tabindex: o.focused ? '0' : '-1',
    'aria-selected': String(o.selected),
    class: o.flash ? 'updated' : undefined,
  });
  const sel = el('td', { class: 'sel' });
  if (rerunnable(r) && !o.isPlan && o.canRerun) {
    const cb = el('input', {
      type: 'checkbox',
      tabindex: '-1',
      'aria-label': `Select punch ${r.transactionId ?? r.key}`,
    });
    cb.checked = o.selected;
    cb.addEventListener('click', (e) => {
      e.stopPropagation();
      h.toggle(r.key);
    });
    sel.append(cb);
  }
  const state = `${r.punchState}${r.punchStateDisplay ? ` ${r.punchStateDisplay}` : ''} → ${r.logType ?? (r.outcome === 'skipped' ? 'skip' : 'none')}`;
  const employee = el('td', { class: 'employee' });
  if (r.employee)
    employee.append(
      linkButton(r.employee, 'Open the Employee in Frappe', () => h.open(r.deviceId, 'Employee', r.employee!)),
      r.employeeName ? ` ${r.employeeName}` : '',
    );
  else employee.append(el('span', { class: 'muted' }, '—'));
  const uc = r.userControl
    ? `${r.userControl.action} (${r.userControl.mode}) → ${r.userControl.result}${r.userControl.detail ? `: ${r.userControl.detail}` : ''}`
    : '';
  tr.append(
    sel,
    el('td', { class: 'num' }, r.transactionId === null ? '—' : String(r.transactionId)),
    el('td', { class: 'code' }, r.empCode),
    el(
      'td',
      { class: 'name' },
      r.name,
      // Shown only in a narrow panel, where the id, terminal and state columns give their room to Employee and
      // Outcome (mapping.css): nothing of the row is lost, it moves under the name.
      el(
        'span',
        { class: 'narrow-only meta' },
        [r.terminalAlias || r.terminalSn, state, r.transactionId === null ? '' : `id ${r.transactionId}`]
          .filter(Boolean)
          .join(' · '),
      ),
    ),
    timeCell(r),
    el('td', { class: 'terminal', title: r.terminalSn }, r.terminalAlias || r.terminalSn),
    el('td', { class: 'state' }, state),
    employee,
    outcomeCell(r, o.isPlan, o.canRerun, h),
    el('td', { class: 'uc' }, uc),
  );
  const index = () => Array.prototype.indexOf.call(tr.parentElement?.children ?? [], tr) as number;
  tr.addEventListener('keydown', (e) => h.rowKey(e, index()));
  tr.addEventListener('focus', () => h.focusRow(index()));
  tr.addEventListener('click', () => tr.focus());
  return tr;
}
