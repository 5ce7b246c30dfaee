// Show Punch Mapping, Copy as JSON, Open in Frappe, Link to Employee…
import * as vscode from 'vscode';
import { readRawEntries } from '../adapters/settings';
import { UserFacingError } from '../errors';
import { runLabel } from '../tree/format';
import { refOf } from '../tree/nodeRef';
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
    const engine = deps.host.requireEngine();
    const ref = refOf(arg);
    const target =
      arg && typeof arg === 'object' && 'doctype' in arg
        ? (arg as { deviceId: string; doctype: 'Employee' | 'Employee Checkin'; name: string })
        : undefined;
    const link =
      target ??
      (ref?.kind === 'failedPunch' && ref.punch.employee
        ? { deviceId: ref.deviceId, doctype: 'Employee' as const, name: ref.punch.employee }
        : undefined);
    if (!link) throw new UserFacingError('Nothing to open in Frappe: this punch has no matched employee or checkin.');
    const url = engine.deskUrl(link.deviceId, link.doctype, link.name);
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
