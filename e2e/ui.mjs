// The UI end-to-end test: the packaged .vsix in code-server, used like an operator would — through the activity
// bar, the command palette, the quick inputs, the tree, the webview, dialogs, toasts and the status bar — against
// the sandbox servers e2e/run.sh started. Screenshots go to OUT_DIR (media/screenshots/ for the README).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import { finiteAnimations, patientWaits } from './waits.mjs';

const BASE = process.env.VSCODE_URL;
const FOLDER = process.env.WS_FOLDER;
const OUT = process.env.OUT_DIR;
const FAIL_DIR = process.env.FAIL_DIR || OUT;
const sandbox = JSON.parse(fs.readFileSync(process.env.SANDBOX_JSON, 'utf8'));
const t0 = Date.now();
const log = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const results = [];
let page;

async function check(name, fn) {
  const s = Date.now();
  try {
    await fn();
    results.push(['ok', name]);
    log(`ok   ${name} (${Date.now() - s} ms)`);
  } catch (e) {
    results.push(['FAIL', name]);
    log(`FAIL ${name}: ${String(e.message).split('\n').slice(0, 3).join(' | ')}`);
    await page.screenshot({ path: `${FAIL_DIR}/fail-${results.length}.png` }).catch(() => {});
  }
}
const shot = (name) => page.screenshot({ path: `${OUT}/${name}.png` });
/** For README screenshots: no toasts over the content, the webview scrolled to its top. */
async function tidy() {
  await page.keyboard.press('Escape');
  await palette('Notifications: Clear All Notifications');
  await page
    .locator('.notifications-toasts .notification-list-item')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => {});
  await quickInput()
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => {});
  await page.evaluate(finiteAnimations); // the palette fades out
  if (await page.locator('iframe.webview.ready').count()) {
    await mapping()
      .locator('body')
      .evaluate(
        (b) => {
          b.ownerDocument.defaultView.scrollTo(0, 0);
          b.querySelector('.table-wrap').scrollLeft = 0;
        },
        undefined,
        { timeout: 2000 },
      )
      .catch(() => {});
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
page = await context.newPage();
patientWaits(page, Number(process.env.E2E_TIMEOUT_SCALE || 3));
const consoleLog = fs.createWriteStream(`${FAIL_DIR}/browser-console.log`);
page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));

// ---- helpers ----------------------------------------------------------------------------------------------------
const quickInput = () => page.locator('.quick-input-widget');
const qiInput = () => page.locator('.quick-input-widget .quick-input-box input');
const qiRow = (text) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text });
const toast = (text) => page.locator('.notifications-toasts .notification-list-item', { hasText: text });
const row = (text) => page.locator('.sidebar .monaco-list-row', { hasText: text });

async function palette(title) {
  await page.keyboard.press('F1');
  await qiInput().waitFor({ state: 'visible', timeout: 10000 });
  await qiInput().fill('>' + title);
  await qiRow(title).first().click({ timeout: 10000 });
}
/** Waits for an input box step by (part of) its prompt, types `value` and accepts. */
async function answer(prompt, value) {
  await page.locator('.quick-input-widget .quick-input-message', { hasText: prompt }).waitFor({ timeout: 15000 });
  await qiInput().fill(value);
  await qiInput().press('Enter');
}
/** Waits for the input box's message (its prompt, or the validation message shown instead). */
async function message(text) {
  await page.locator('.quick-input-widget .quick-input-message', { hasText: text }).waitFor({ timeout: 15000 });
}
/** Waits for a quick pick row and picks it. */
async function choose(label) {
  await qiRow(label).first().waitFor({ timeout: 15000 });
  await qiRow(label).first().click();
}
/** The Failed Punches view (its header, case-sensitive: the Devices view has "Failed punches (N)" rows). */
const failedPane = () =>
  page.locator('.sidebar .pane').filter({ has: page.locator('.pane-header', { hasText: /Failed Punches/ }) });
/** Resolves once the keyboard focus is inside the Failed Punches view (or, with orNowhere, on nothing). */
async function failedViewFocused({ orNowhere = false } = {}) {
  await page.waitForFunction(
    (nowhere) =>
      (nowhere && document.activeElement === document.body) ||
      document.activeElement?.closest('.pane')?.querySelector('.pane-header')?.textContent?.includes('Failed Punches'),
    orNowhere,
    { timeout: 15000 },
  );
}
/** The visible webview's content (hidden webviews are not kept: retainContextWhenHidden is off). */
function mapping() {
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
}

// ---- the test -----------------------------------------------------------------------------------------------------
await page.goto(`${BASE}/?folder=${encodeURIComponent(FOLDER)}`);
await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
log('workbench loaded');

await check('activity bar shows BioTime Sync; its welcome view offers Add Device and the sandbox', async () => {
  const entry = page.locator('.activitybar [aria-label^="BioTime Sync"]').first();
  await entry.waitFor({ timeout: 60000 });
  await entry.click();
  // A wider side bar, so the tree's descriptions show in the screenshots.
  const box = await page.locator('.part.sidebar').boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width + 110, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  }
  await page
    .locator('.sidebar .welcome-view-content', { hasText: 'No BioTime device is configured yet' })
    .waitFor({ timeout: 20000 });
  await page.locator('.sidebar .welcome-view-content a.monaco-button', { hasText: 'Add Device' }).first().waitFor();
  await page
    .locator('.sidebar .welcome-view-content a.monaco-button', { hasText: 'Try with the built-in sandbox' })
    .first()
    .waitFor();
  await shot('welcome');
});

await check('status bar shows the idle "not configured" state', async () => {
  await page.locator('.statusbar-item', { hasText: 'BioTime' }).first().waitFor({ timeout: 10000 });
});

await check(
  'Add Device from the palette: every step validates as you type, then the connection is tested',
  async () => {
    await palette('BioTime Sync: Add Device');
    await answer('Name of the device', 'Head office');
    // A bad URL is refused with a message, as the operator types it.
    await page
      .locator('.quick-input-widget .quick-input-message', { hasText: 'BioTime URL' })
      .waitFor({ timeout: 15000 });
    await qiInput().fill('biotime server');
    await message('http or https URL');
    // A pasted API address is refused up front, naming the path; Enter offers the base URL, a second Enter takes it.
    await qiInput().fill(`${sandbox.biotimeUrl}/iclock/api/transactions/`);
    await message('Remove the path');
    await qiInput().press('Enter');
    await page.waitForFunction(
      (url) => document.querySelector('.quick-input-widget .quick-input-box input')?.value === url,
      new URL(sandbox.biotimeUrl).origin,
      { timeout: 5000 },
    );
    await qiInput().fill(sandbox.biotimeUrl);
    await qiInput().press('Enter');
    await answer('BioTime user name', 'api');
    await answer('BioTime password', sandbox.secrets.biotimePassword);
    await choose('JWT');
    await choose('New Frappe site');
    await answer('Frappe site URL', sandbox.frappeUrl);
    // The new site is named by the operator (a suggestion is filled in), validated and unique.
    await message('Name of this Frappe site');
    await qiInput().fill('Head Office HR');
    await message('lowercase letters');
    await qiInput().fill('head-office-hr');
    await qiInput().press('Enter');
    await answer('Frappe API key', sandbox.secrets.frappeApiKey);
    await answer('Frappe API secret', sandbox.secrets.frappeApiSecret);
    await message('Minutes between syncs');
    await qiInput().fill('0');
    await message('from 1 to 1440');
    await qiInput().fill('5');
    await qiInput().press('Enter');
    // Time zone and custom states use the configuration check's own rules (the CLI's): a "did you mean", and
    // punch states that are numbers, each given once.
    await message("BioTime's time zone");
    await qiInput().fill('Asia/Riyad');
    await message('did you mean "Asia/Riyadh"');
    // Shot while the step is shown (after Enter the box is between steps and the shot would be empty).
    await shot('add-device');
    await qiInput().fill('Asia/Riyadh');
    await qiInput().press('Enter');
    await choose('Custom');
    await message('state=ACTION pairs');
    await qiInput().fill('x=IN');
    await message('"x" is not a BioTime punch state');
    await qiInput().fill('0=IN, 0=OUT');
    await message('State 0 is given twice');
    await qiInput().fill('0=IN, 1=OUT, 2=OUT, 5=OUT, 255=SKIP, other=IN');
    await qiInput().press('Enter');
    await choose('Off');
    await toast('Device "Head office" added').waitFor({ timeout: 30000 });
  },
);

await check('the device appears in the tree and its first (scheduled) sync runs', async () => {
  await row('Head office').first().waitFor({ timeout: 20000 });
  await page
    .locator('.sidebar .monaco-list-row', { hasText: 'Head office' })
    .filter({ hasText: 'synced' })
    .first()
    .waitFor({ timeout: 30000 });
});

await check('Sync Now from the palette runs and reports', async () => {
  await palette('BioTime Sync: Sync Now');
  await toast('Sync done').waitFor({ timeout: 30000 });
});

await check('Edit Device changes one setting: pick it (current values shown), answer one step, saved', async () => {
  await palette('BioTime Sync: Edit Device');
  await qiRow('All steps').first().waitFor({ timeout: 15000 });
  const interval = qiRow('Minutes between syncs').first();
  if (!/syncs\s*5\s*$/.test(await interval.innerText()))
    throw new Error(`current value not shown: ${await interval.innerText()}`);
  await interval.click();
  await message('Minutes between syncs');
  await qiInput().fill('0');
  await message('from 1 to 1440');
  await qiInput().fill('7');
  await qiInput().press('Enter');
  await toast('Device "Head office" updated').waitFor({ timeout: 30000 });
});

await check('Remove Frappe Site… refuses a site a device still uses, and says which device', async () => {
  await palette('BioTime Sync: Remove Frappe Site');
  const site = qiRow('head-office-hr').first();
  await site.waitFor({ timeout: 15000 });
  if (!/used by 1 device/.test(await site.innerText())) throw new Error(`site row: ${await site.innerText()}`);
  await site.click();
  const dialog = page.locator('.monaco-dialog-box', { hasText: 'still used by 1 device' });
  await dialog.waitFor({ timeout: 10000 });
  if (!/Head office/.test(await dialog.innerText())) throw new Error(`dialog: ${await dialog.innerText()}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 5000 });
});

await check('device children: recent runs and "Failed punches (2)"; the Sync Runs view lists the runs', async () => {
  await row('Head office').first().click();
  await row('Failed punches (2)').waitFor({ timeout: 15000 });
  const runs = page
    .locator('.sidebar .pane', { hasText: 'Sync Runs' })
    .locator('.monaco-list-row', { hasText: 'Sync ' });
  await runs.nth(1).waitFor({ timeout: 15000 }); // the scheduled run and the Sync Now run
  await row('Failed punches (2)').click();
  await row('2001').first().waitFor({ timeout: 10000 });
  await tidy();
  await shot('tree');
});

let rowCount = 0;
await check('clicking the run opens the punch mapping webview with one row per punch', async () => {
  await page.locator('.sidebar .monaco-list-row', { hasText: 'failed' }).filter({ hasText: 'created' }).first().click();
  await page.locator('.tabs-container .tab', { hasText: 'Punch Mapping' }).waitFor({ timeout: 15000 });
  const wv = mapping();
  await wv.locator('tbody tr').first().waitFor({ timeout: 30000 });
  rowCount = await wv.locator('tbody tr').count();
  const outcomes = await wv.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-outcome')));
  for (const o of ['created', 'duplicate', 'failed', 'skipped'])
    if (!outcomes.includes(o)) throw new Error(`no ${o} row in ${outcomes.join(',')}`);
  const filterText = await wv.locator('.filters').innerText();
  if (!/All 9/.test(filterText.replace(/\s+/g, ' '))) throw new Error(`totals: ${filterText}`);
  log(`mapping rows: ${rowCount} (${outcomes.join(', ')})`);
});

await check('the webview filters by outcome, searches and sorts', async () => {
  const wv = mapping();
  await wv.locator('button.filter.failed').click();
  await wv.locator('#range', { hasText: '1–2 of 2 (filtered from 9)' }).waitFor({ timeout: 5000 });
  const outcomes = await wv.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-outcome')));
  if (outcomes.join() !== 'failed,failed') throw new Error(`failed filter shows ${outcomes.join()}`);
  await wv.locator('button.filter.all').click();
  await wv.locator('#search').fill('Haddad');
  await wv.locator('#range', { hasText: 'filtered' }).waitFor({ timeout: 5000 });
  await wv.locator('#search').fill('');
  await wv.locator('#range', { hasText: /^1–9 of 9$/ }).waitFor({ timeout: 5000 });
  await wv.locator('button.sort[data-sort="empCode"]').click();
  await wv.locator('th[aria-sort="ascending"] button[data-sort="empCode"]').waitFor();
  const first = await wv.locator('tbody tr td.code').first().innerText();
  if (first !== '0042') throw new Error(`sorted by code, first is ${first}`);
  // keyboard: focus the first row and move down
  await wv.locator('tbody tr').first().click();
  await page.keyboard.press('ArrowDown');
  const focused = await wv.locator('tbody tr:focus td.code').innerText();
  if (!focused) throw new Error('arrow key did not move the focus');
});

await check(
  'Link to Employee… from the unknown-code row: search, confirm, rerun; the row says it is resolved and offers no Link',
  async () => {
    const wv = mapping();
    const unknown = wv.locator('tbody tr', { hasText: '2001' });
    await unknown.locator('button.link', { hasText: 'Link to Employee' }).click();
    await qiRow('Layla Haddad').first().waitFor({ timeout: 15000 });
    if ((await qiInput().inputValue()) !== 'Layla Haddad')
      throw new Error('search not prefilled with the BioTime name');
    await shot('link-employee');
    await qiRow('Layla Haddad').first().click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10000 });
    await dialog.locator('.monaco-button', { hasText: 'Link and Rerun' }).click();
    // A run's rows are history: the row keeps "failed" and says what became of the punch since (issue 12 E1).
    const resolved = wv.locator('tbody tr[data-now="resolved"]', { hasText: '2001' });
    await resolved.locator('.since', { hasText: 'resolved since: created' }).waitFor({ timeout: 30000 });
    if (await resolved.locator('button.link', { hasText: 'Link to Employee' }).count())
      throw new Error('a resolved punch still offers Link to Employee');
    await wv.locator('.status', { hasText: '1 created' }).waitFor({ timeout: 10000 });
    await row('Failed punches (1)').waitFor({ timeout: 20000 });
    await tidy();
    await shot('mapping');
  },
);

await check('the tree follows: "Failed punches (1)" is left (the inactive employee)', async () => {
  await row('Failed punches (1)').waitFor({ timeout: 20000 });
});

await check('Rerun selected: the still-failing row is rerun from the panel and says why it still fails', async () => {
  const wv = mapping();
  const rami = wv.locator('tbody tr[data-outcome="failed"]', { hasText: '1008' });
  await rami.locator('input[type="checkbox"]').click();
  await wv.locator('#rerun', { hasText: 'Rerun selected (1)' }).click();
  await wv.locator('.status', { hasText: '1 still failing' }).waitFor({ timeout: 20000 });
  await wv.locator('tbody tr[data-outcome="failed"]', { hasText: 'Inactive' }).waitFor();
});

await check(
  'at 1000×700 the panel shows Employee, Outcome and the time sent to Frappe; no empty User control column',
  async () => {
    await page.setViewportSize({ width: 1000, height: 700 });
    try {
      const wv = mapping();
      // The id, terminal and state columns give their room (their values move under the name).
      await wv.locator('th.num').waitFor({ state: 'hidden', timeout: 10000 });
      const inView = async (what, loc) => {
        const box = await loc.boundingBox();
        if (!box) throw new Error(`${what} is not shown`);
        if (box.x < 0 || box.x + box.width > 1000 || box.y < 0 || box.y + box.height > 700)
          throw new Error(`${what} is outside the 1000×700 window: ${JSON.stringify(box)}`);
      };
      await inView('the Employee header', wv.locator('th.employee'));
      await inView('the Outcome header', wv.locator('th.outcome'));
      await inView('the first Employee cell', wv.locator('tbody tr td.employee').first());
      await inView('the first Outcome badge', wv.locator('tbody tr td.outcome .badge').first());
      const sent = wv.locator('tbody tr .site-time').first();
      await inView('the time sent to Frappe', sent);
      if (!/→ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(await sent.innerText()))
        throw new Error(`time sent: ${await sent.innerText()}`);
      if (await wv.locator('th.uc').isVisible()) throw new Error('an empty User control column takes room');
      await inView('the terminal and state under the name', wv.locator('tbody tr td.name .meta').first());
      await tidy();
      await shot('mapping-narrow');
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  },
);

await check(
  'Preview Sync opens the plan in the same panel with Apply; Apply syncs and the panel shows that run',
  async () => {
    await palette('BioTime Sync: Preview Sync');
    await page.locator('.tabs-container .tab', { hasText: 'Preview of the next sync' }).waitFor({ timeout: 20000 });
    const wv = mapping();
    await wv.locator('h1', { hasText: 'Preview of the next sync' }).waitFor({ timeout: 20000 });
    await wv.locator('#apply').click();
    await wv.locator('h1', { hasText: /^Sync \d/ }).waitFor({ timeout: 30000 });
  },
);

await check(
  'the mapping panel comes back after a window reload, with its filter (serializer + webview state)',
  async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Punch Mapping: Sync' }).first().click();
    await mapping().locator('button.filter.created').click();
    await mapping().locator('button.filter.created[aria-pressed="true"]').waitFor({ timeout: 5000 });
    // Developer: Reload Window shuts the workbench down in order (state flushed), as a user's reload does.
    await palette('Developer: Reload Window');
    await page.waitForLoadState('load');
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.locator('.tabs-container .tab', { hasText: 'Punch Mapping' }).first().waitFor({ timeout: 30000 });
    await mapping().locator('button.filter.created[aria-pressed="true"]').waitFor({ timeout: 30000 });
  },
);

await check('status bar shows the state and opens the view', async () => {
  // After the reload: wait for the bar to count the failed punch that waits (the inactive employee), so the click
  // below acts on that state; it opens the Failed Punches view (issue 15).
  const item = page.locator('.statusbar-item', { hasText: 'failed punch' }).first();
  await item.waitFor({ timeout: 30000 });
  const label = (await item.getAttribute('aria-label')) ?? (await item.innerText());
  if (!/BioTime/.test(label)) throw new Error(`status bar: ${label}`);
  await item.click();
  await failedPane().locator('.monaco-list-row', { hasText: '1008' }).first().waitFor({ timeout: 10000 });
  // The palette opened next would be closed by the focus moving into the view: wait until it has moved. Right after
  // a window reload VS Code's focus command sometimes expands the view without focusing it (the focus is then on
  // nothing, document.body); either way it has settled. The check after the sandbox requires the focus in the view.
  await failedViewFocused({ orNowhere: true });
  await page.locator('.sidebar .pane-header', { hasText: 'Devices' }).waitFor({ timeout: 5000 });
});

await check('Test Connection shows a readable report', async () => {
  await palette('BioTime Sync: Test Connection');
  await toast('Test Connection (Head office)').waitFor({ timeout: 30000 });
  await page.locator('.tabs-container .tab', { hasText: 'Test Connection' }).waitFor({ timeout: 15000 });
  await tidy();
  await shot('test-connection');
});

await check(
  'a Shift Type added to the site in settings.json gets a Last Sync of Checkin decision at the next sync',
  async () => {
    // As an operator would (README, `sites[].shiftTypes`): in the user settings.json, the site's entry gets
    // "shiftTypes"; the property goes before the site's "id", so the JSON stays valid whatever follows it.
    await palette('Preferences: Open User Settings (JSON)');
    const tab = page.locator('.tabs-container .tab', { hasText: 'settings.json' });
    await tab.waitFor({ timeout: 20000 });
    const siteLine = page.locator('.monaco-editor .view-line', { hasText: '"id": "head-office-hr"' });
    await siteLine.waitFor({ timeout: 20000 });
    await siteLine.click({ position: { x: 2, y: 5 } }); // column 1 of that line
    await page.keyboard.press('Home'); // the first non-blank character: the start of "id"
    await page.keyboard.insertText(`"shiftTypes": [{ "shiftType": "${sandbox.shiftType}" }], `);
    await page
      .locator('.monaco-editor .view-line', {
        hasText: `"shiftTypes": [{ "shiftType": "${sandbox.shiftType}" }], "id": "head-office-hr"`,
      })
      .waitFor({ timeout: 10000 });
    await page.keyboard.press('Control+s');
    await page
      .locator('.tabs-container .tab.dirty', { hasText: 'settings.json' })
      .waitFor({ state: 'detached', timeout: 15000 });
    // The settings are read afresh when the window reloads, so the sync below runs with the Shift Type (no race
    // with the restart a settings edit causes). The palette opens from the text editor, where the focus is.
    await palette('Developer: Reload Window');
    await page.waitForLoadState('load');
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.locator('.statusbar-item', { hasText: 'failed punch' }).first().waitFor({ timeout: 30000 });
    await palette('BioTime Sync: Sync Now');
    await toast('Sync done').waitFor({ timeout: 30000 });
  },
);

// ---- issue 15: the overview of many sites and the dashboard (kept last: it adds the sandbox's site) ---------------
await check('a second site (the built-in sandbox): the Devices view groups devices under their site', async () => {
  await palette('BioTime Sync: Try with the Built-in Sandbox');
  await toast('Sandbox running').waitFor({ timeout: 60000 });
  const devices = page.locator('.sidebar .pane', { hasText: 'Devices' }).first();
  // Two site rows, each "1 device …"; the devices sit under them.
  await devices.locator('.monaco-list-row', { hasText: '1 device' }).nth(1).waitFor({ timeout: 30000 });
  await devices.locator('.monaco-list-row', { hasText: 'Head office' }).first().waitFor({ timeout: 10000 });
  await devices.locator('.monaco-list-row', { hasText: '(sandbox)' }).first().waitFor({ timeout: 30000 });
});

await check('the Sync Runs view lists the runs under their device', async () => {
  const runs = page.locator('.sidebar .pane', { hasText: 'Sync Runs' }).first();
  await runs.locator('.monaco-list-row', { hasText: 'Head office' }).first().waitFor({ timeout: 15000 });
  await runs
    .locator('.monaco-list-row', { hasText: /runs? · last/ })
    .first()
    .waitFor({ timeout: 15000 });
});

await check('the status bar counts what needs the operator and clicks through to the Failed Punches view', async () => {
  const item = page.locator('.statusbar-item', { hasText: /needs? attention/ }).first();
  await item.waitFor({ timeout: 30000 });
  await item.click();
  await failedPane().locator('.monaco-list-row', { hasText: '1008' }).first().waitFor({ timeout: 15000 });
  await failedViewFocused();
});

await check(
  'Filter Failed Punches…: the view title action asks for the dimension, then the value; Clear shows all',
  async () => {
    const pane = failedPane();
    const header = pane.locator('.pane-header');
    const punches = pane.locator('.monaco-list-row');
    // Three failed punches wait: 1008 of Head office; 1008 and 2001 of the sandbox device.
    await pane.locator('.monaco-list-row', { hasText: '2001' }).first().waitFor({ timeout: 15000 });
    if ((await punches.count()) !== 3) throw new Error(`before the filter: ${await punches.allInnerTexts()}`);
    await header.hover();
    await header.locator('.action-label[aria-label^="Filter Failed Punches"]').click();
    await qiRow('Reason').first().waitFor({ timeout: 15000 });
    if (!(await qiRow('Site').count())) throw new Error('no Site dimension offered');
    const device = qiRow('Device').first();
    if (!/2 value\(s\)/.test(await device.innerText())) throw new Error(`Device row: ${await device.innerText()}`);
    await device.click();
    await qiRow('Any device').first().waitFor({ timeout: 15000 });
    const value = qiRow('head-office').first();
    if (!/1 punch\(es\)/.test(await value.innerText())) throw new Error(`head-office row: ${await value.innerText()}`);
    await value.click();
    await quickInput().waitFor({ state: 'hidden', timeout: 10000 });
    // Only Head office's punch is listed, and the view's description says the filter.
    await header.locator('.description', { hasText: 'device head-office' }).waitFor({ timeout: 15000 });
    await pane.locator('.monaco-list-row', { hasText: '2001' }).waitFor({ state: 'detached', timeout: 15000 });
    const shown = await punches.allInnerTexts();
    if (shown.length !== 1 || !/1008/.test(shown[0]) || !/Head office/.test(shown[0]))
      throw new Error(`filtered: ${JSON.stringify(shown)}`);
    await header.hover();
    await header.locator('.action-label[aria-label^="Clear Failed Punches Filter"]').click();
    await pane.locator('.monaco-list-row', { hasText: '2001' }).first().waitFor({ timeout: 15000 });
    await header
      .locator('.description', { hasText: 'device head-office' })
      .waitFor({ state: 'detached', timeout: 15000 });
    if ((await punches.count()) !== 3) throw new Error(`after Clear: ${await punches.allInnerTexts()}`);
  },
);

await check('Show Dashboard: charts drawn from the history, each with a table view; screenshot', async () => {
  await palette('BioTime Sync: Show Dashboard');
  await page.locator('.tabs-container .tab', { hasText: 'BioTime Sync Dashboard' }).waitFor({ timeout: 20000 });
  const wv = mapping();
  await wv.locator('h1', { hasText: 'Operations dashboard' }).waitFor({ timeout: 30000 });
  const canvases = await wv.locator('.card canvas').count();
  if (canvases < 5) throw new Error(`${canvases} charts (the four of the punches and the Shift Types')`);
  await tidy();
  // Taller, so the Shift Type chart below the four others is in the picture.
  await page.setViewportSize({ width: 1440, height: 1400 });
  try {
    await page.mouse.move(20, 600); // over the empty activity bar: no tab or chart tooltip in the picture
    await shot('dashboard');
  } finally {
    await page.setViewportSize({ width: 1440, height: 900 });
  }
  // The Shift Type added in settings.json: its decision at the last sync, in the chart's table (what held it back:
  // the sandbox's Warehouse terminal, silent for three days, may still hold punches).
  const shifts = wv.locator('section.card', {
    has: wv.locator('h2', { hasText: 'Shift Types: Last Sync of Checkin over time' }),
  });
  const summary = await shifts.locator('p.muted').innerText();
  if (/No Shift Type decision/.test(summary)) throw new Error(`Shift Type chart: ${summary}`);
  await shifts.locator('button.toggle', { hasText: 'Show table' }).click();
  const decision = shifts
    .locator('.table-box tbody tr', { hasText: 'head-office-hr' })
    .filter({ hasText: sandbox.shiftType });
  await decision.first().waitFor({ timeout: 5000 });
  const cells = await decision.first().locator('td').allInnerTexts();
  // Site, Shift Type, From, To, Decisions, Status, Last Sync of Checkin, Why
  if (!/^(moved|held|unchanged)$/.test(cells[5]) || !/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(cells[6]))
    throw new Error(`decision row: ${JSON.stringify(cells)}`);
  if (cells[5] === 'held' && !/Warehouse \(device head-office\) last seen/.test(cells[7]))
    throw new Error(`held back, but the row does not say by what: ${JSON.stringify(cells)}`);
  log(`Shift Type decision: ${cells.join(' | ')}`);
  await shifts.locator('button.toggle', { hasText: 'Hide table' }).click();
  const toggle = wv.locator('button.toggle', { hasText: 'Show table' }).first();
  await toggle.focus();
  await page.keyboard.press('Enter');
  await wv.locator('button.toggle[aria-expanded="true"]').first().waitFor({ timeout: 5000 });
  await wv.locator('.table-box table caption', { hasText: 'Punches per day by outcome' }).waitFor({ timeout: 5000 });
  const rows = await wv.locator('.table-box table tbody tr').count();
  if (rows < 30) throw new Error(`the table has ${rows} rows for 30 days`);
  // The range shown is the range that looks chosen: its button stands out (the primary button colour).
  const look = (days) =>
    wv
      .locator('button.choice', { hasText: `Last ${days} days` })
      .evaluate((b) => [b.getAttribute('aria-pressed'), getComputedStyle(b).backgroundColor]);
  const [[p30, bg30], [p90, bg90]] = [await look(30), await look(90)];
  const primary = await wv.locator('body').evaluate((b) => {
    const probe = b.ownerDocument.createElement('button');
    probe.style.background = 'var(--vscode-button-background)';
    b.append(probe);
    const c = getComputedStyle(probe).backgroundColor;
    probe.remove();
    return c;
  });
  if (p30 !== 'true' || p90 !== 'false' || bg30 !== primary || bg90 === primary)
    throw new Error(`30 days shown; buttons: 30 ${p30} ${bg30}, 90 ${p90} ${bg90}, primary ${primary}`);
});

await browser.close();
const failed = results.filter((r) => r[0] !== 'ok').length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
