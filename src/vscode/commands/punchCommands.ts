// Show Punch Mapping, Copy as JSON, Open in Frappe, Link to Employee…
import * as vscode from 'vscode';
import { readRawEntries } from '../adapters/settings';
import { UserFacingError } from '../errors';
import { runLabel } from '../tree/format';
import { refOf } from '../tree/nodeRef';
import { removedDeviceText } from '../webviews/mappingSource';
import { configuredDevices, registerCommand, type CommandDeps } from './commandSupport';
import { linkEmployeeFlow } from './linkEmployee';

export function registerPunchCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.showMapping', async (arg) => {
    const ref = refOf(arg);
    if (ref?.kind === 'run') return deps.mapping.open({ kind: 'run', runId: ref.runId });
    if (ref) return deps.mapping.open({ kind: 'failed', deviceId: ref.deviceId });
    deps.host.requireEngine();
    const runs = await deps.model.runs(undefined, 30);
    const now = new Date();
    const items = [
      ...configuredDevices(deps).map((d) => ({
        label: `$(warning) Failed punches of ${d.name}`,
        description: d.id,
        open: { kind: 'failed' as const, deviceId: d.id },
      })),
      ...runs.map((r) => ({
        label: runLabel(r, now),
        description: `${r.deviceId} · ${r.status}`,
        open: { kind: 'run' as const, runId: r.runId },
      })),
    ];
    const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Show the punch mapping of…' });
    if (pick) await deps.mapping.open(pick.open);
  });

  registerCommand(deps, 'bioSync.copyAsJson', async (arg) => {
    const ref = refOf(arg);
    let value: unknown;
    if (ref?.kind === 'device') value = readRawEntries().devices.find((d) => d.id === ref.deviceId);
    else if (ref?.kind === 'run') value = ref.run ?? (await deps.host.requireEngine().getRun(ref.runId));
    else if (ref?.kind === 'failedPunch') value = ref.punch.raw ?? ref.punch;
    if (value === undefined) return;
    const text = JSON.stringify(value, null, 2);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage('$(json) Copied as JSON', 3000);
    return text;
  });

  registerCommand(deps, 'bioSync.openInFrappe', async (arg) => {
    const url = frappeUrlFor(deps, arg);
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  });

  registerCommand(deps, 'bioSync.linkEmployee', async (arg) => {
    const ref = refOf(arg);
    if (ref?.kind === 'failedPunch') return linkEmployeeFlow(deps, ref.deviceId, ref.punch.empCode, ref.punch.name);
    const engine = deps.host.requireEngine();
    const unknown = (await engine.listFailed(ref?.deviceId)).filter((f) => f.failure === 'unknownEmployee');
    const byCode = new Map<string, (typeof unknown)[number] & { n: number }>();
    for (const f of unknown) {
      const k = `${f.deviceId}\u0000${f.empCode}`;
      const cur = byCode.get(k);
      byCode.set(k, cur ? { ...cur, n: cur.n + 1 } : { ...f, n: 1 });
    }
    if (!byCode.size) {
      void vscode.window.showInformationMessage('No failed punch is waiting for an unknown Biometric ID.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      [...byCode.values()].map((f) => ({
        label: `${f.empCode} ${f.name}`,
        description: f.deviceId,
        detail: `${f.n} failed punch(es), latest reason: ${f.reason}`,
        f,
      })),
      { placeHolder: 'Which unknown Biometric ID should be linked to an Employee?' },
    );
    if (pick) return linkEmployeeFlow(deps, pick.f.deviceId, pick.f.empCode, pick.f.name);
  });
}

/**
 * Where *Open in Frappe* goes for what was clicked: a document named by the webview; a failed punch's Employee (or
 * the checkin that resolved it, or the Employees with its Biometric ID when none matched); the device's checkins
 * for a device or a run (Frappe's device_id is the BioTime URL); the Employee list for the failed group, where
 * unknown Biometric IDs are fixed.
 */
function frappeUrlFor(deps: CommandDeps, arg: unknown): string {
  const engine = deps.host.requireEngine();
  if (arg && typeof arg === 'object' && 'doctype' in arg) {
    const t = arg as { deviceId: string; doctype: 'Employee' | 'Employee Checkin'; name: string };
    return engine.deskUrl(t.deviceId, t.doctype, t.name);
  }
  const ref = refOf(arg);
  if (!ref) throw new UserFacingError('Open in Frappe needs a device, a run or a punch from the BioTime Sync views.');
  const device = configuredDevices(deps).find((d) => d.id === ref.deviceId);
  if (!device) throw new UserFacingError(removedDeviceText(ref.deviceId));
  // The desk's base is the site's: derived from a document URL so the site's URL rules live in one place.
  const base = engine.deskUrl(device.id, 'Employee', '_').replace(/\/app\/employee\/_$/, '');
  const list = (route: string, filters: Record<string, string>) =>
    `${base}/app/${route}?${new URLSearchParams(filters).toString()}`;
  switch (ref.kind) {
    case 'failedPunch': {
      const p = ref.punch;
      if (p.employee) return engine.deskUrl(device.id, 'Employee', p.employee);
      if (p.fate?.state === 'resolved' && p.fate.checkin)
        return engine.deskUrl(device.id, 'Employee Checkin', p.fate.checkin);
      return list('employee', { attendance_device_id: p.empCode });
    }
    case 'failedGroup':
      return list('employee', {});
    case 'device':
    case 'run':
      return list('employee-checkin', { device_id: device.url });
    default: {
      const never: never = ref;
      return never;
    }
  }
}
