// The operations dashboard page: the report's figures as charts (Chart.js, bundled: no CDN) and, for each chart, a
// table with the same numbers for screen readers and keyboard users. Colours come from the theme's chart colours.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type Chart as ChartInstance,
  type ChartConfiguration,
} from 'chart.js';
import { DELAY_BUCKET_LABELS, type MissingCheckout, type OpsReport } from '../shared/history';
import type { ShiftHistoryPoint } from '../shared/model';
import {
  DASHBOARD_RANGES,
  parseHostToDashboard,
  type DashboardRange,
  type DashboardToHost,
} from '../shared/consoleProtocol';
import { timeAxisBounds } from '../shared/timeAxis';

// Chart.js is bundled by esbuild into dist/webview/dashboard.js (no CDN); only the parts the charts use.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

interface VsCodeApi {
  postMessage(msg: DashboardToHost): void;
  getState(): unknown;
  setState(s: { site: string | null; range: DashboardRange }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { site?: string | null; range?: DashboardRange } | undefined;
let site: string | null = saved?.site ?? null;
let range: DashboardRange = saved?.range && DASHBOARD_RANGES.includes(saved.range) ? saved.range : 30;
const charts: ChartInstance[] = [];
const app = document.getElementById('app')!;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const c of children) e.append(c);
  return e;
}

function color(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(`--vscode-charts-${name}`).trim() || fallback;
}

function table(caption: string, header: string[], rows: (string | number)[][]): HTMLTableElement {
  return el(
    'table',
    {},
    el('caption', { textContent: caption }),
    el('thead', {}, el('tr', {}, ...header.map((h) => el('th', { scope: 'col', textContent: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', { textContent: String(c) }))))),
  );
}

/** A chart with its table: the toggle button is keyboard reachable; the canvas carries a text summary. */
function chartCard(
  title: string,
  summary: string,
  config: ChartConfiguration,
  tableOf: () => HTMLTableElement,
): HTMLElement {
  const canvas = el('canvas', { role: 'img' });
  canvas.setAttribute('aria-label', `${title}: ${summary}`);
  const tableBox = el('div', { className: 'table-box', hidden: true });
  const toggle = el('button', { className: 'toggle', textContent: 'Show table', type: 'button' });
  toggle.setAttribute('aria-expanded', 'false');
  toggle.addEventListener('click', () => {
    const show = tableBox.hidden;
    if (show && !tableBox.firstChild) tableBox.append(tableOf());
    tableBox.hidden = !show;
    toggle.textContent = show ? 'Hide table' : 'Show table';
    toggle.setAttribute('aria-expanded', String(show));
  });
  const card = el(
    'section',
    { className: 'card' },
    el('header', {}, el('h2', { textContent: title }), toggle),
    el('p', { className: 'muted', textContent: summary }),
    el('div', { className: 'chart-box' }, canvas),
    tableBox,
  );
  charts.push(new Chart(canvas, config));
  return card;
}

function baseOptions(stacked: boolean) {
  const fg = color('foreground', '#ccc');
  const grid = color('lines', 'rgba(128,128,128,0.3)');
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: { legend: { labels: { color: fg } } },
    scales: {
      x: { stacked, ticks: { color: fg }, grid: { color: grid } },
      y: { stacked, beginAtZero: true, ticks: { color: fg, precision: 0 }, grid: { color: grid } },
    },
  };
}

function render(r: OpsReport, sites: string[], shifts: ShiftHistory): void {
  charts.splice(0).forEach((c) => c.destroy());
  const toolbar = el('div', { className: 'toolbar', role: 'toolbar' });
  toolbar.setAttribute('aria-label', 'Dashboard scope');
  const siteSel = el('select', { title: 'Site' });
  siteSel.setAttribute('aria-label', 'Site');
  siteSel.append(el('option', { value: '', textContent: 'All sites' }));
  for (const s of sites) siteSel.append(el('option', { value: s, textContent: s, selected: s === site }));
  siteSel.addEventListener('change', () => show(siteSel.value || null, range));
  toolbar.append(siteSel);
  for (const d of DASHBOARD_RANGES) {
    const b = el('button', { type: 'button', textContent: `Last ${d} days`, className: 'choice' });
    b.setAttribute('aria-pressed', String(d === range));
    b.addEventListener('click', () => show(site, d));
    toolbar.append(b);
  }
  const days = r.perDay.map((d) => d.day.slice(5));
  const c = {
    created: color('green', '#89d185'),
    duplicate: color('blue', '#75beff'),
    failed: color('red', '#f48771'),
    skipped: color('foreground', '#999'),
    dismissed: color('purple', '#b180d7'),
  };
  const outcomes = ['created', 'duplicate', 'failed', 'skipped', 'dismissed'] as const;
  const t = r.totals;
  const grid = el('div', { className: 'grid' });
  grid.append(
    chartCard(
      `Punches per day by outcome (last ${r.days} days)`,
      `${t.created} created, ${t.duplicate} duplicates, ${t.failed} failed, ${t.skipped} skipped, ${t.dismissed} dismissed.`,
      {
        type: 'bar',
        data: {
          labels: days,
          datasets: outcomes.map((o) => ({ label: o, data: r.perDay.map((d) => d[o]), backgroundColor: c[o] })),
        },
        options: baseOptions(true),
      },
      () =>
        table(
          'Punches per day by outcome',
          ['Day', ...outcomes],
          r.perDay.map((d) => [d.day, ...outcomes.map((o) => d[o])]),
        ),
    ),
    chartCard(
      'Failed punches waiting',
      `${r.perDay[r.perDay.length - 1]?.failedWaiting ?? 0} waiting at the end of the last day.`,
      {
        type: 'line',
        data: {
          labels: days,
          datasets: [{ label: 'failed waiting', data: r.perDay.map((d) => d.failedWaiting), borderColor: c.failed }],
        },
        options: baseOptions(false),
      },
      () =>
        table(
          'Failed punches waiting',
          ['Day', 'Waiting'],
          r.perDay.map((d) => [d.day, d.failedWaiting]),
        ),
    ),
    chartCard(
      'Upload delay per terminal (punch → upload)',
      `${r.terminals.length} terminal(s); worst: ${worstText(r)}.`,
      {
        type: 'bar',
        data: {
          labels: r.terminals.map((x) => `${x.deviceId}/${x.alias || x.sn}`),
          datasets: DELAY_BUCKET_LABELS.map((l, i) => ({
            label: l,
            data: r.terminals.map((x) => x.delay[i]),
            backgroundColor: ramp(i),
          })),
        },
        options: baseOptions(true),
      },
      () =>
        table(
          'Upload delay per terminal',
          ['Device', 'Terminal', 'Punches', ...DELAY_BUCKET_LABELS, 'Worst (min)', 'Last activity'],
          r.terminals.map((x) => [
            x.deviceId,
            x.alias || x.sn,
            x.punches,
            ...x.delay,
            x.worst[0]?.delayMinutes ?? '-',
            x.lastUpload ?? x.lastPunch ?? '-',
          ]),
        ),
    ),
    chartCard(
      'Time from punch to checkin',
      `${r.checkinLatency.reduce((a, b) => a + b, 0)} checkins created in the period.`,
      {
        type: 'bar',
        data: {
          labels: DELAY_BUCKET_LABELS,
          datasets: [{ label: 'checkins', data: r.checkinLatency, backgroundColor: c.created }],
        },
        options: baseOptions(false),
      },
      () =>
        table(
          'Time from punch to checkin',
          ['Delay', 'Checkins'],
          DELAY_BUCKET_LABELS.map((l, i) => [l, r.checkinLatency[i]]),
        ),
    ),
  );
  const shiftBox = el('div', { className: 'grid' });
  if (shifts.length) shiftBox.append(shiftCard(shifts));
  const worst = r.terminals.flatMap((x) => x.worst).sort((a, b) => b.delayMinutes - a.delayMinutes);
  const missingBox = el('div', { id: 'missing' });
  const date = el('input', { type: 'date', value: r.perDay[r.perDay.length - 2]?.day ?? '' });
  date.setAttribute('aria-label', 'Day to check for missing check-outs');
  const go = el('button', { type: 'button', textContent: 'Find missing check-outs' });
  go.addEventListener('click', () => date.value && vscode.postMessage({ type: 'missing', date: date.value }));
  app.replaceChildren(
    el('h1', { textContent: `Operations dashboard — ${site ?? 'all sites'}` }),
    el('p', {
      className: 'muted',
      textContent: `Days of punch time, zone ${r.zone}. Built in ${r.buildMs} ms at ${r.generatedAt}.`,
    }),
    toolbar,
    grid,
    shiftBox,
    el(
      'section',
      { className: 'card wide' },
      el('h2', { textContent: 'Worst upload delays' }),
      worst.length
        ? table(
            'Worst upload delays',
            ['Device', 'Code', 'Punch time', 'Uploaded', 'Delay (min)'],
            worst.slice(0, 10).map((w) => [w.deviceId, w.empCode, w.punchTime, w.uploadTime, w.delayMinutes]),
          )
        : el('p', { className: 'muted', textContent: 'No upload delay recorded.' }),
    ),
    el(
      'section',
      { className: 'card wide' },
      el('h2', { textContent: 'Devices: cursor and watched ids' }),
      table(
        'Devices',
        ['Device', 'Site', 'Cursor', 'Watched ids', 'Failed waiting', 'Last sync'],
        r.devices.map((d) => [
          d.deviceId,
          d.site,
          d.cursor ?? '-',
          d.watchedIds,
          d.failedWaiting,
          d.lastSyncAt ?? 'never',
        ]),
      ),
      r.shiftTypes.length
        ? table(
            'Shift Types: Last Sync of Checkin (latest decision)',
            ['Site', 'Shift Type', 'Last Sync', 'Status', 'Why'],
            r.shiftTypes.map((s) => [s.site, s.shiftType, s.lastSyncOfCheckin ?? '-', s.status, s.reason]),
          )
        : el('p', { className: 'muted', textContent: 'No Shift Type configured.' }),
    ),
    el(
      'section',
      { className: 'card wide' },
      el('h2', { textContent: 'Missing check-outs' }),
      el('p', {
        className: 'muted',
        textContent: 'Employees whose last punch of the day is an IN with no later OUT. Read-only: nothing is created.',
      }),
      el('div', { className: 'toolbar' }, date, go),
      missingBox,
    ),
  );
  app.removeAttribute('aria-busy');
}

type ShiftHistory = { site: string; points: ShiftHistoryPoint[] }[];

/** Naive site time ("2026-11-02 08:55:00") as a number the chart can place; shown back as written. */
const naiveMs = (t: string) => Date.parse(`${t.replace(' ', 'T')}Z`);
const naiveText = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
const localText = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/**
 * Each Shift Type's "Last Sync of Checkin" (y, site time) at each decision (x, this computer's time); a point's
 * colour says whether it moved, was held back (and the tooltip and the table say by what), or failed.
 */
function shiftCard(shifts: ShiftHistory): HTMLElement {
  const statusColor: Record<ShiftHistoryPoint['status'], string> = {
    moved: color('green', '#89d185'),
    unchanged: color('blue', '#75beff'),
    held: color('orange', '#d18616'),
    failed: color('red', '#f48771'),
    autoUpdate: color('foreground', '#999'),
  };
  const series = shifts.flatMap((s) =>
    [...new Set(s.points.map((p) => p.shiftType))].map((t) => ({
      label: shifts.length > 1 ? `${s.site} / ${t}` : t,
      site: s.site,
      points: s.points.filter((p) => p.shiftType === t),
    })),
  );
  const latest = series.map((x) => x.points[x.points.length - 1]).filter(Boolean);
  const held = latest.filter((p) => p.status === 'held' || p.status === 'failed');
  const summary = !latest.length
    ? 'No Shift Type decision recorded in the period yet (one is taken after each successful sync).'
    : held.length
      ? `${held.length} of ${latest.length} Shift Type(s) held back now: ${held.map((p) => `${p.shiftType} (${p.reason})`).join('; ')}.`
      : `${latest.length} Shift Type(s); none held back at the last decision.`;
  const names = ['blue', 'purple', 'green', 'yellow', 'orange', 'red'];
  const drawn = series.flatMap((x) => x.points.filter((p) => p.lastSync));
  const fg = color('foreground', '#ccc');
  const grid = color('lines', 'rgba(128,128,128,0.3)');
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      datasets: series.map((x, i) => ({
        label: x.label,
        data: x.points
          .filter((p) => p.lastSync)
          .map((p) => ({ x: Date.parse(p.at), y: naiveMs(p.lastSync as string) })),
        borderColor: color(names[i % names.length], '#75beff'),
        pointBackgroundColor: x.points.filter((p) => p.lastSync).map((p) => statusColor[p.status]),
        pointRadius: 4,
        stepped: true,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { labels: { color: fg } },
        tooltip: {
          callbacks: {
            label: (c) => {
              const p = series[c.datasetIndex].points.filter((q) => q.lastSync)[c.dataIndex];
              return `${c.dataset.label}: ${p.lastSync} · ${p.status} — ${p.reason}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          ...timeAxisBounds(
            drawn.map((p) => Date.parse(p.at)),
            30 * 60_000,
          ),
          ticks: { color: fg, callback: (v) => localText(Number(v)) },
          grid: { color: grid },
        },
        y: {
          type: 'linear',
          ...timeAxisBounds(
            drawn.map((p) => naiveMs(p.lastSync as string)),
            60 * 60_000,
          ),
          ticks: { color: fg, callback: (v) => naiveText(Number(v)) },
          grid: { color: grid },
        },
      },
    },
  };
  const card = chartCard('Shift Types: Last Sync of Checkin over time', summary, config as ChartConfiguration, () =>
    table(
      'Shift Types: Last Sync of Checkin over time, with what held it back',
      ['Site', 'Shift Type', 'From', 'To', 'Decisions', 'Status', 'Last Sync of Checkin', 'Why'],
      series.flatMap((x) =>
        x.points.map((p) => [
          x.site,
          p.shiftType,
          localText(Date.parse(p.firstAt)),
          localText(Date.parse(p.at)),
          p.count,
          p.status,
          p.lastSync ?? '-',
          p.reason,
        ]),
      ),
    ),
  );
  card.classList.add('wide');
  return card;
}

function worstText(r: OpsReport): string {
  const w = r.terminals.flatMap((x) => x.worst).sort((a, b) => b.delayMinutes - a.delayMinutes)[0];
  return w ? `${w.delayMinutes} min (${w.empCode} at ${w.punchTime})` : 'none';
}

function ramp(i: number): string {
  const names = ['green', 'green', 'blue', 'blue', 'yellow', 'orange', 'red', 'red'];
  return color(names[i] ?? 'red', '#999');
}

function renderMissing(date: string, list: MissingCheckout[]): void {
  const box = document.getElementById('missing');
  if (!box) return;
  box.replaceChildren(
    list.length
      ? table(
          `Missing check-outs on ${date}`,
          ['Site', 'Code', 'Employee', 'Name', 'Last IN', 'Terminal'],
          list.map((m) => [m.site, m.empCode, m.employee ?? '-', m.name, m.lastIn, m.terminal]),
        )
      : el('p', { textContent: `No missing check-out on ${date}.` }),
  );
}

function show(s: string | null, d: DashboardRange): void {
  site = s;
  range = d;
  vscode.setState({ site, range });
  app.setAttribute('aria-busy', 'true');
  vscode.postMessage({ type: 'show', site, range });
}

window.addEventListener('message', (e) => {
  const m = parseHostToDashboard(e.data);
  if (!m) return;
  if (m.type === 'report') {
    site = m.site;
    range = m.range;
    // Kept in the webview state: the page is built anew when its tab is shown again (and after a reload), and must
    // ask for the scope it shows (a site's dashboard opened from its node), not fall back to all sites.
    vscode.setState({ site, range });
    render(m.report, m.sites, m.shiftHistory);
  } else if (m.type === 'missing') renderMissing(m.date, m.missing);
  else app.replaceChildren(el('p', { className: 'error', role: 'alert', textContent: m.message }));
});
vscode.postMessage({ type: 'ready' });
vscode.postMessage({ type: 'show', site, range });
