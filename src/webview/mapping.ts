// The punch-to-checkin mapping page. Holds one page of rows; the host filters, sorts and pages. Sends `ready` first,
// keeps the source, query and selection in the webview state so a hidden or reloaded panel comes back as it was.
import {
  DEFAULT_QUERY,
  OUTCOME_FILTERS,
  parseHostToWebview,
  parseWebviewState,
  type HostToWebview,
  type MappingQuery,
  type MappingRow,
  type MappingSourceInfo,
  type MappingTotals,
  type MappingWebviewState,
  type WebviewToHost,
} from '../shared/webviewProtocol';
import { buildShell, renderRow, rerunnable, type Shell } from './lib/mappingView';

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(state: MappingWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const restored = parseWebviewState(vscode.getState());

let source: MappingSourceInfo | undefined;
let query: MappingQuery = restored?.query ?? { ...DEFAULT_QUERY };
const selected = new Set<string>(restored?.selected ?? []);
let rows: MappingRow[] = [];
let totals: MappingTotals | undefined;
let pageCount = 1;
let matched = 0;
let pageSize = 0;
let seq = 0;
let focusIndex = 0;
let shell: Shell | undefined;

const send = (msg: WebviewToHost) => vscode.postMessage(msg);

function saveState(): void {
  if (source) vscode.setState({ ref: source.ref, query, selected: [...selected] });
}

function requestPage(): void {
  saveState();
  send({ type: 'query', seq: ++seq, query });
}

function setQuery(patch: Partial<MappingQuery>): void {
  query = { ...query, page: 0, ...patch };
  requestPage();
}

function onMessage(msg: HostToWebview): void {
  switch (msg.type) {
    case 'source': {
      const previous = source?.ref ?? restored?.ref;
      if (!previous || JSON.stringify(previous) !== JSON.stringify(msg.source.ref)) {
        query = { ...DEFAULT_QUERY };
        selected.clear();
      }
      source = msg.source;
      shell = buildShell(document.getElementById('app')!, source, handlers);
      shell.setQuery(query);
      requestPage();
      return;
    }
    case 'page':
      if (msg.seq !== seq || !shell) return;
      rows = msg.rows;
      // A punch resolved or dismissed since it was selected cannot be rerun any more.
      for (const r of rows) if (!rerunnable(r)) selected.delete(r.key);
      totals = msg.totals;
      pageCount = msg.pageCount;
      matched = msg.matched;
      pageSize = msg.pageSize;
      query = { ...query, page: msg.page };
      focusIndex = Math.min(focusIndex, Math.max(0, rows.length - 1));
      renderPage();
      return;
    case 'rowsUpdated': {
      totals = msg.totals;
      const byKey = new Map(msg.rows.map((r) => [r.key, r]));
      rows = rows.map((r) => byKey.get(r.key) ?? r);
      for (const r of msg.rows) if (!rerunnable(r)) selected.delete(r.key);
      saveState();
      renderPage(new Set(byKey.keys()));
      return;
    }
    case 'busy':
      shell?.setBusy(msg.busy, msg.message);
      if (!shell) document.getElementById('app')!.setAttribute('aria-busy', String(msg.busy));
      return;
    case 'notice':
      if (shell) shell.notice(msg.level, msg.message);
      else document.getElementById('app')!.textContent = msg.message;
      return;
    default: {
      const never: never = msg;
      return never;
    }
  }
}

function renderPage(flash?: Set<string>): void {
  if (!shell || !source || !totals) return;
  shell.setTotals(totals, query.outcome);
  shell.setSort(query.sort, query.descending);
  const first = matched ? query.page * pageSize + 1 : 0;
  shell.setPager(
    query.page,
    pageCount,
    `${first.toLocaleString()}–${(query.page * pageSize + rows.length).toLocaleString()} of ${matched.toLocaleString()}${matched !== totals.all ? ` (filtered from ${totals.all.toLocaleString()})` : ''}`,
  );
  const body = shell.tbody;
  body.replaceChildren(
    ...rows.map((r, i) =>
      renderRow(
        r,
        {
          selected: selected.has(r.key),
          focused: i === focusIndex,
          isPlan: source!.isPlan,
          canRerun: source!.canRerun,
          flash: !!flash?.has(r.key),
        },
        handlers,
      ),
    ),
  );
  shell.setSelectionCount(selected.size);
  shell.setEmpty(rows.length === 0);
  // An empty User control column only takes room from Employee and Outcome.
  shell.showUserControl(rows.some((r) => r.userControl));
}

function focusRow(i: number): void {
  const trs = shell?.tbody.querySelectorAll<HTMLTableRowElement>('tr');
  if (!trs?.length) return;
  focusIndex = Math.max(0, Math.min(i, trs.length - 1));
  trs.forEach((tr, j) => (tr.tabIndex = j === focusIndex ? 0 : -1));
  trs[focusIndex].focus();
}

function toggle(key: string): void {
  const row = rows.find((r) => r.key === key);
  if (!row || !rerunnable(row) || !source?.canRerun) return;
  if (selected.has(key)) selected.delete(key);
  else selected.add(key);
  saveState();
  const i = rows.indexOf(row);
  renderPage();
  focusRow(i);
}

const handlers = {
  filter: (outcome: MappingQuery['outcome']) => setQuery({ outcome }),
  search: (text: string) => setQuery({ search: text }),
  sort: (key: MappingQuery['sort']) =>
    setQuery({ sort: key, descending: query.sort === key ? !query.descending : false }),
  page: (page: number) => {
    query = { ...query, page: Math.max(0, Math.min(page, pageCount - 1)) };
    focusIndex = 0;
    requestPage();
  },
  toggle,
  selectFailedOnPage: () => {
    for (const r of rows) if (rerunnable(r)) selected.add(r.key);
    saveState();
    renderPage();
  },
  clearSelection: () => {
    selected.clear();
    saveState();
    renderPage();
  },
  rerun: () => send({ type: 'rerun', keys: [...selected] }),
  apply: () => send({ type: 'apply' }),
  open: (deviceId: string, doctype: 'Employee' | 'Employee Checkin', name: string) =>
    send({ type: 'open', deviceId, doctype, name }),
  link: (key: string) => send({ type: 'link', key }),
  rowKey: (e: KeyboardEvent, index: number) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(index + 1),
      ArrowUp: () => focusRow(index - 1),
      Home: () => focusRow(0),
      End: () => focusRow(rows.length - 1),
      PageDown: () => handlers.page(query.page + 1),
      PageUp: () => handlers.page(query.page - 1),
      ' ': () => toggle(rows[index].key),
    };
    const act = keys[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  },
  focusRow: (i: number) => (focusIndex = i),
};

window.addEventListener('message', (e: MessageEvent) => {
  const msg = parseHostToWebview(e.data);
  if (msg) onMessage(msg);
});
window.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement?.tagName !== 'INPUT') {
    e.preventDefault();
    shell?.focusSearch();
  }
});
if (!OUTCOME_FILTERS.includes(query.outcome)) query = { ...DEFAULT_QUERY };
send({ type: 'ready' });
