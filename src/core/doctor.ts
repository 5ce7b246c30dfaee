// Preflight checks per device and per Frappe site. Each check says what is wrong and what to do about it.
import type { DoctorCheck } from '../shared/model';
import type { DeviceConfig, SyncConfig } from './configTypes';
import { CancelledError, describeError, errorMessage } from './errors';
import { findOtherRunner, otherRunnerWarning } from './otherRunners';
import type { AttendanceSource, CheckinSink, Clock, CredentialProvider, SyncStateStore, UserControl } from './ports';
import type { SinkProbe } from './types';
import { setBioTimePasswordHint, setFrappeApiKeyHint } from './fixHints';
import type { Redactor } from './redact';
import { formatInZone, naiveToInstant } from './time';

export interface DoctorDeps {
  engine: {
    source(d: DeviceConfig): AttendanceSource;
    sink(d: DeviceConfig): CheckinSink;
    siteZone(d: DeviceConfig, signal?: AbortSignal): Promise<string>;
    userControlFor?(d: DeviceConfig): UserControl | undefined;
  };
  devices: DeviceConfig[];
  config: SyncConfig;
  credentials: CredentialProvider;
  clock: Clock;
  store: SyncStateStore;
  redactor: Redactor;
  signal?: AbortSignal;
}

type Push = (check: string, status: DoctorCheck['status'], detail: string, fix?: string) => void;

export async function runDoctor(d: DoctorDeps): Promise<DoctorCheck[]> {
  const out: DoctorCheck[] = [];
  const sitesDone = new Set<string>();
  for (const device of d.devices) {
    const push: Push = (check, status, detail, fix) =>
      out.push(
        d.redactor.redactValue({ target: `device ${device.id}`, check, status, detail, ...(fix ? { fix } : {}) }),
      );
    await checkDevice(d, device, push);
    if (sitesDone.has(device.site)) continue;
    sitesDone.add(device.site);
    const sitePush: Push = (check, status, detail, fix) =>
      out.push(
        d.redactor.redactValue({ target: `site ${device.site}`, check, status, detail, ...(fix ? { fix } : {}) }),
      );
    await checkSite(d, device, sitePush);
  }
  for (const p of d.store.problems) out.push({ target: 'state', check: 'state files', status: 'warn', detail: p });
  return out;
}

async function attempt(push: Push, check: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    const err = describeError(e);
    push(check, 'fail', err.message, err.hint);
    return false;
  }
}

async function checkDevice(d: DoctorDeps, device: DeviceConfig, push: Push): Promise<void> {
  if (!device.enabled)
    push('enabled', 'warn', 'The device is disabled: scheduled syncs skip it.', 'Enable it when it should sync.');
  if (!(await d.credentials.biotimePassword(device.id))) {
    push(
      'credentials',
      'fail',
      `No BioTime password is stored for device ${device.id}.`,
      `${setBioTimePasswordHint(device.id)}.`,
    );
    return;
  }
  const source = d.engine.source(device);
  let zone = device.timeZone;
  await attempt(push, 'BioTime login', async () => {
    const p = await source.probe(d.signal);
    const exp = p.tokenExpiresAt ? `, token valid until ${p.tokenExpiresAt.toISOString()}` : '';
    push(
      'BioTime login',
      'ok',
      `Logged in as ${device.username} with ${p.scheme === 'jwt' ? 'JWT' : 'a general token'}${exp}; ${p.transactionCount ?? '?'} transactions, newest id ${p.newestTransactionId ?? 'none'}.`,
    );
    zone ??= await d.engine.siteZone(device, d.signal).catch(() => undefined);
    if (p.newestUploadTime && zone) clockCheck(d, p.newestUploadTime, zone, push);
  });
  await attempt(push, 'terminals', async () => {
    const terms = await source.listTerminals(d.signal);
    if (!terms.length)
      return push(
        'terminals',
        'warn',
        'BioTime lists no terminals.',
        'Check that terminals are registered in BioTime and assigned to areas.',
      );
    const now = d.clock.now().getTime();
    const stale = zone
      ? terms.filter((t) => {
          const at = t.lastActivity ? naiveToInstant(t.lastActivity, zone!) : undefined;
          return !at || !at.ok || now - at.instant.getTime() > device.offlineAfterMinutes * 60_000;
        })
      : [];
    if (stale.length) {
      push(
        'terminals',
        'warn',
        `${stale.length} of ${terms.length} terminals silent for over ${device.offlineAfterMinutes} min: ${stale.map((t) => `${t.alias || t.sn} (last seen ${t.lastActivity ?? 'never'})`).join(', ')}.`,
        'Their punches will arrive late; nothing is lost, they are picked up when the terminals upload.',
      );
    } else push('terminals', 'ok', `${terms.length} terminals, all active within ${device.offlineAfterMinutes} min.`);
  });
  const uc = d.engine.userControlFor?.(device);
  if (device.userControl.mode !== 'off') {
    if (!uc) push('user control', 'fail', `User-control mode '${device.userControl.mode}' is not available.`);
    else
      await attempt(push, 'user control', async () => {
        const r = await uc.check(d.signal);
        push(
          'user control',
          r.ok ? (r.warn ? 'warn' : 'ok') : 'fail',
          r.detail,
          r.ok && !r.warn
            ? undefined
            : (r.fix ??
                `Fix the '${device.userControl.mode}' mechanism or set userControl.mode to another value (or 'off').`),
        );
      });
  }
  const st = await d.store.loadDevice(device.id);
  push(
    'cursor',
    'ok',
    st.cursor
      ? `Synced up to BioTime transaction ${st.cursor.hwm}; last sync ${st.lastSyncAt ?? 'never'}.`
      : 'Never synced: the first run reads every transaction' +
          (device.importSince ? ` since ${device.importSince}.` : ' (set importSince to limit a first import).'),
  );
  if (await siteCredentials(d, device)) await otherRunnerCheck(d, device, push);
}

async function siteCredentials(d: DoctorDeps, device: DeviceConfig): Promise<boolean> {
  return !!(await d.credentials.frappeApiKey(device.site)) && !!(await d.credentials.frappeApiSecret(device.site));
}

/** Checkins with this device's device_id that this installation did not create: another runner (issue 11, j2). */
async function otherRunnerCheck(d: DoctorDeps, device: DeviceConfig, push: Push): Promise<void> {
  try {
    const siteZone = await d.engine.siteZone(device, d.signal);
    const r = await findOtherRunner({
      device,
      sink: d.engine.sink(device),
      store: d.store,
      clock: d.clock,
      siteZone,
      signal: d.signal,
    });
    const w = otherRunnerWarning(r, device);
    if (w) push('other installations', 'warn', w.detail, w.fix);
    else
      push(
        'other installations',
        'ok',
        `No other installation seems to sync this device: ${r.seen} checkin(s) with its device_id since ${r.since} (site time), all created here.`,
      );
  } catch (e) {
    if (CancelledError.is(e)) throw e;
    push(
      'other installations',
      'warn',
      `Could not check whether another installation syncs this device: ${errorMessage(e)}`,
    );
  }
}

function clockCheck(d: DoctorDeps, newestUpload: string, zone: string, push: Push): void {
  const ours = formatInZone(d.clock.now(), zone);
  const at = naiveToInstant(newestUpload, zone);
  if (!at.ok) return;
  const aheadMin = Math.round((at.instant.getTime() - d.clock.now().getTime()) / 60_000);
  if (aheadMin > 5) {
    push(
      'clock',
      'warn',
      `BioTime's newest upload_time (${newestUpload}) is ${aheadMin} min ahead of our clock in ${zone} (${ours}).`,
      'Check the BioTime server clock and the device timeZone setting. The sync cursor does not depend on clocks, but checkin times would be shifted.',
    );
  } else push('clock', 'ok', `BioTime newest upload ${newestUpload}; our clock in ${zone}: ${ours}.`);
}

async function checkSite(d: DoctorDeps, device: DeviceConfig, push: Push): Promise<void> {
  const site = d.config.sites.find((s) => s.id === device.site)!;
  if (!(await d.credentials.frappeApiKey(site.id)) || !(await d.credentials.frappeApiSecret(site.id))) {
    push(
      'credentials',
      'fail',
      `No Frappe API key/secret is stored for site ${site.id}.`,
      `${setFrappeApiKeyHint(site.id)}.`,
    );
    return;
  }
  await attempt(push, 'Frappe login', async () => {
    const p = await d.engine.sink(device).probe(d.signal);
    push('Frappe login', 'ok', `Logged in as ${p.user}; site time zone ${p.timeZone}.`);
    if (site.timeZone && site.timeZone !== p.timeZone) {
      push(
        'time zone',
        'warn',
        `Configured timeZone ${site.timeZone} differs from the site's System Settings (${p.timeZone}).`,
        `Set sites[].timeZone to ${p.timeZone} (or remove it to use the site's), or checkin times will be shifted.`,
      );
    }
    timeAndCreateChecks(p, push);
    if (!p.canReadEmployee)
      push(
        'read employee',
        'fail',
        `User ${p.user} cannot read Employee records, so punches cannot be matched.`,
        `Give ${p.user} read access to Employee (HR User).`,
      );
    await shiftChecks(d, device, push);
    await geolocationChecks(d, device, push);
    if (p.duplicateDeviceIds.length) {
      push(
        'Biometric IDs',
        'warn',
        `Biometric IDs set on several employees: ${p.duplicateDeviceIds.map((x) => `${x.deviceId} (${x.employees.join(', ')})`).join('; ')}.`,
        'Punches with these codes fail until each code belongs to one employee.',
      );
    } else push('Biometric IDs', 'ok', 'No Biometric ID is shared by two employees.');
  });
}

/** Decided from the API user's roles, read the way the site lets any API user read them (Has Role list). */
function timeAndCreateChecks(p: SinkProbe, push: Push): void {
  const roles = p.roles?.length ? ` (roles: ${p.roles.join(', ')})` : '';
  const grant = `Give ${p.user} the HR User or HR Manager role in Frappe (User ${p.user} › Roles).`;
  if (p.canWriteTime === false)
    push(
      'checkin time',
      'fail',
      `User ${p.user} cannot write Employee Checkin "time", a permlevel 1 field${roles}: Frappe would answer every insert with success and store the time of the sync instead of the punch time. Runs stop before writing until this is fixed.`,
      grant,
    );
  else if (p.canWriteTime === true)
    push('checkin time', 'ok', `User ${p.user} can write Employee Checkin time${roles}.`);
  else
    push(
      'checkin time',
      'warn',
      `Could not read the roles of ${p.user} to confirm it can write Employee Checkin time. Runs check the time Frappe stored on every checkin they create and stop at the first wrong one.`,
      `Make sure ${p.user} has the HR User or HR Manager role.`,
    );
  if (p.canCreateCheckin === false)
    push(
      'create checkin',
      'fail',
      `User ${p.user} cannot create Employee Checkin for other employees${roles} (the Employee role may create only its own employee's checkins).`,
      grant,
    );
  else if (p.canCreateCheckin === true) push('create checkin', 'ok', `User ${p.user} can create Employee Checkin.`);
}

async function shiftChecks(d: DoctorDeps, device: DeviceConfig, push: Push): Promise<void> {
  const site = d.config.sites.find((s) => s.id === device.site)!;
  if (!site.shiftTypes.length) return;
  await attempt(push, 'Shift Types', async () => {
    for (const info of await d.engine.sink(device).getShiftTypes(
      site.shiftTypes.map((f) => f.shiftType),
      d.signal,
    )) {
      if (!info.exists)
        push(
          'Shift Types',
          'fail',
          `Shift Type "${info.name}" does not exist on the site.`,
          'Create it in Frappe HR or correct sites[].shiftTypes.',
        );
      else if (info.autoUpdate)
        push(
          'Shift Types',
          'warn',
          `Shift Type "${info.name}" has Frappe HR's own "Auto Update Last Sync of Checkin" on, so BioTime Sync leaves it alone.`,
          'Turn that option off to have its Last Sync of Checkin moved only once every terminal feeding it has uploaded.',
        );
      else
        push(
          'Shift Types',
          'ok',
          `Shift Type "${info.name}": Last Sync of Checkin ${info.lastSyncOfCheckin ?? 'never set'}; moved forward after each run.`,
        );
    }
  });
}

async function geolocationChecks(d: DoctorDeps, device: DeviceConfig, push: Push): Promise<void> {
  await attempt(push, 'geolocation', async () => {
    const required = await d.engine.sink(device).geolocationRequired(d.signal);
    if (required === 'unknown')
      return push(
        'geolocation',
        'warn',
        'Could not read HR Settings to know whether checkins need coordinates.',
        'Give the API user read access to HR Settings.',
      );
    if (!required) return push('geolocation', 'ok', 'The site does not require coordinates on checkins.');
    for (const dev of d.devices.filter((x) => x.site === device.site)) {
      if (dev.location) continue;
      const terms = await d.engine.source(dev).listTerminals(d.signal);
      const bare = terms.filter((t) => !dev.terminalLocations[t.sn]);
      if (bare.length)
        push(
          'geolocation',
          'warn',
          `The site requires coordinates on checkins (HR Settings "Allow Geolocation Tracking"), and ${bare.length} terminal(s) of device ${dev.id} have none configured: ${bare.map((t) => `${t.alias || t.sn} (${t.sn})`).join(', ')}. Their punches will be refused unless they carry their own (mobile punches).`,
          `Add devices[].terminalLocations["<serial>"] = {latitude, longitude} (or devices[].location).`,
        );
      else push('geolocation', 'ok', `Device ${dev.id}: every terminal has coordinates.`);
    }
  });
}
