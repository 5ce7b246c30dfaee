// `biotime-sync sandbox` and `biotime-sync demo`: the simulated servers, and a guided sync against them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../app/createEngine';
import { DEMO_BIOTIME_ZONE, DEMO_SITE_ZONE } from '../app/demoZones';
import { loadSandbox } from '../app/loadSandbox';
import type { DemoSandbox } from '../app/sandboxDemo';
import { StaticCredentials } from '../app/staticCredentials';
import { validateConfig } from '../core/config';
import { addSecondsNaive, formatInZone } from '../core/time';
import type { RunSummary } from '../shared/model';
import type { CliArgs } from './args';
import { collect } from './commands';
import { consoleLogger } from './consoleLogger';
import { envNameFor } from './envCredentials';
import { failedTable, mappingTable, shiftTable, summaryLine } from './format';
import type { CliIo } from './main';

export async function runSandbox(args: CliArgs, io: CliIo): Promise<number> {
  if (args.realSite) return runRealSiteSandbox(args, io);
  const { startDemoSandbox } = await loadSandbox();
  const demo = await startDemoSandbox({ frappeVersion: args.frappeVersion });
  const stopped = untilSignalled();
  const cfg = JSON.stringify(demo.config, null, 2);
  if (args.writeConfig) fs.writeFileSync(args.writeConfig, cfg + '\n');
  io.out(`Simulated BioTime: ${demo.biotimeUrl}   (user api)
Simulated Frappe HR: ${demo.frappeUrl}   (site time zone ${DEMO_SITE_ZONE})

${args.writeConfig ? `Configuration written to ${args.writeConfig}.` : `Configuration (save as biotime-sync.json):\n${cfg}`}

Demo secrets (sandbox only) for the CLI:
  export ${envNameFor('biotimePassword', 'demo')}=${demo.secrets.biotimePassword}
  export ${envNameFor('frappeApiKey', 'demo-site')}=${demo.secrets.frappeApiKey}
  export ${envNameFor('frappeApiSecret', 'demo-site')}=${demo.secrets.frappeApiSecret}

Then: biotime-sync run --config ${args.writeConfig ?? 'biotime-sync.json'}
Press Ctrl+C to stop the servers.`);
  await stopped;
  await demo.close();
  return 0;
}

/**
 * The simulated Frappe as the recorded real v15 site (docs/reference/frappe-wire): its employees (Biometric IDs
 * 101-110, 007, 0042; 110 inactive) and API users, with a BioTime holding those codes and a few punches. Try doctor
 * and run with the HR Manager's keys, then with the Employee-only user's (the permlevel trap).
 */
async function runRealSiteSandbox(args: CliArgs, io: CliIo): Promise<number> {
  const { REAL_SITE_TIME_ZONE, realSiteDeviceIds, realSiteKeys, startSandboxPair } = await loadSandbox();
  const pair = await startSandboxPair({
    biotime: { users: [{ username: 'api', password: REAL_SITE_BIOTIME_PASSWORD }], timeZone: REAL_SITE_TIME_ZONE },
    frappe: { realSite: true, frappeVersion: args.frappeVersion },
  });
  const { biotime, frappe } = pair;
  const area = biotime.store.addArea({ area_code: 'HQ', area_name: 'Head office' });
  const now = formatInZone(new Date(), REAL_SITE_TIME_ZONE);
  biotime.store.addTerminal({ sn: 'GATE1', alias: 'Main gate', areaId: area, lastActivity: now });
  for (const code of realSiteDeviceIds)
    biotime.store.addEmployee({ emp_code: code, first_name: 'Worker', last_name: `D${code}`, areas: [area] });
  const day = addSecondsNaive(now, -86_400).slice(0, 10);
  ['101', '102', '103', '110', '0042'].forEach((code, i) =>
    biotime.store.addPunch({
      emp_code: code,
      punch_time: `${day} 09:0${i}:00`,
      punch_state: '0',
      terminal_sn: 'GATE1',
    }),
  );
  const config = {
    sites: [{ id: 'acme', url: frappe.url }],
    devices: [{ id: 'gate', url: biotime.url, username: 'api', site: 'acme', timeZone: REAL_SITE_TIME_ZONE }],
  };
  const stopped = untilSignalled();
  const cfg = JSON.stringify(config, null, 2);
  if (args.writeConfig) fs.writeFileSync(args.writeConfig, cfg + '\n');
  const { sync, weak } = realSiteKeys;
  io.out(`Simulated BioTime: ${biotime.url}   (user api, zone ${REAL_SITE_TIME_ZONE})
Simulated Frappe HR v${args.frappeVersion} as the recorded real site: ${frappe.url}   (zone ${REAL_SITE_TIME_ZONE})

${args.writeConfig ? `Configuration written to ${args.writeConfig}.` : `Configuration (save as biotime-sync.json):\n${cfg}`}

Sandbox secrets:
  export ${envNameFor('biotimePassword', 'gate')}=${REAL_SITE_BIOTIME_PASSWORD}
  # ${sync.user}: HR User + HR Manager, not System Manager
  export ${envNameFor('frappeApiKey', 'acme')}=${sync.key} ${envNameFor('frappeApiSecret', 'acme')}=${sync.secret}
  # or ${weak.user}: Employee only (Frappe would store the sync time: doctor fails, runs stop before writing)
  export ${envNameFor('frappeApiKey', 'acme')}=${weak.key} ${envNameFor('frappeApiSecret', 'acme')}=${weak.secret}

Then: biotime-sync doctor --config ${args.writeConfig ?? 'biotime-sync.json'}
Press Ctrl+C to stop the servers.`);
  await stopped;
  await pair.close();
  return 0;
}

/**
 * Resolves on the first SIGINT or SIGTERM. It listens before "Press Ctrl+C" is printed, so a signal sent on seeing
 * that line stops the servers cleanly instead of killing the process.
 */
function untilSignalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const REAL_SITE_BIOTIME_PASSWORD = 'sandbox-biotime-pass';

export async function runDemo(io: CliIo): Promise<number> {
  const { startDemoSandbox } = await loadSandbox();
  const demo: DemoSandbox = await startDemoSandbox();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'biotime-sync-demo-'));
  const handle = createEngine({
    config: validateConfig(demo.config, 'demo configuration'),
    stateDir,
    credentials: new StaticCredentials(demo.secrets),
    logger: consoleLogger({ level: 'warn', write: (l) => io.err(l) }),
    lockOwner: 'demo',
  });
  const { engine } = handle;
  const runs: RunSummary[] = [];
  const show = async (title: string, r: RunSummary) => {
    runs.push(r);
    io.out(`\n== ${title}\n${summaryLine(r)}\n\n${mappingTable(await collect(engine.runOutcomes(r.runId)))}`);
  };
  const showShifts = async (title: string) => {
    const records = (await engine.shiftStatus()).flatMap((x) => x.records);
    io.out(`\n-- ${title}\n${shiftTable(records)}`);
  };
  try {
    io.out(`BioTime Sync demo — simulated BioTime at ${demo.biotimeUrl} (zone ${DEMO_BIOTIME_ZONE}), Frappe HR at ${demo.frappeUrl} (zone ${DEMO_SITE_ZONE}).
Punch times are converted from BioTime's zone to the site's (+1 h). Omar's 08:02 punch was already entered by hand in Frappe.`);
    await show('1. First sync', await engine.runDevice('demo'));
    await showShifts('The Warehouse terminal has been silent for 3 days, so the shift is held back');
    const late = demo.addLateUpload();
    await show(
      `2. The Warehouse terminal was offline for days; it now uploads an old punch (transaction ${late}). The next sync picks it up`,
      await engine.runDevice('demo'),
    );
    await showShifts('Every terminal has reported: the shift moves forward');
    const [layla] = await engine.searchEmployees('demo', 'Layla');
    await engine.linkEmployee('demo', layla.name, '2001');
    const [rerun] = await engine.rerun({ deviceId: 'demo', empCode: '2001' });
    await show(`3. Code 2001 had no employee. Linked to ${layla.name} (${layla.employeeName}) and rerun`, rerun);
    const failed = await engine.listFailed('demo');
    io.out(`\n== Still failing (kept until fixed or dismissed)\n${failed.length ? failedTable(failed) : 'none'}`);
    io.out(`\nFrappe now holds ${demo.frappe.store.checkins().length} Employee Checkins. State is in ${stateDir}.`);
    return runs.every((r) => r.status === 'completed') ? 0 : 1;
  } finally {
    await handle.dispose();
    await demo.close();
  }
}
