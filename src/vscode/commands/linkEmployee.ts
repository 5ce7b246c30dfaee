// "No employee with Biometric ID X" fixed from the editor: search the site's employees (prefilled with the
// BioTime name), confirm, write the Biometric ID through the Frappe API, then rerun every failed punch with that code.
import * as vscode from 'vscode';
import type { EmployeeRecord } from '../../core/ports';
import type { RunSummary } from '../../shared/model';
import { abortSignalFor, type CommandDeps } from './commandSupport';
import { report, withRunProgress } from './syncCommands';

type EmployeeItem = vscode.QuickPickItem & { employee: EmployeeRecord };

const SEARCH_DEBOUNCE_MS = 250;

export async function linkEmployeeFlow(
  deps: CommandDeps,
  deviceId: string,
  empCode: string,
  bioTimeName: string,
): Promise<RunSummary[] | undefined> {
  const engine = deps.host.requireEngine();
  const employee = await searchEmployee(deps, deviceId, empCode, bioTimeName);
  if (!employee) return undefined;
  const replacing =
    employee.deviceId && employee.deviceId !== empCode
      ? `\nIts current Biometric ID ${employee.deviceId} is replaced.`
      : '';
  const ok = await vscode.window.showInformationMessage(
    `Set Biometric ID ${empCode} on ${employee.name} (${employee.employeeName})?`,
    {
      modal: true,
      detail: `BioTime calls this person "${bioTimeName}". The Employee is updated in Frappe, then every failed punch with code ${empCode} is rerun.${replacing}`,
    },
    'Link and Rerun',
  );
  if (ok !== 'Link and Rerun') return undefined;
  await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `BioTime Sync: linking ${empCode} to ${employee.name}…`,
      cancellable: true,
    },
    (_p, token) => engine.linkEmployee(deviceId, employee.name, empCode, abortSignalFor(token)),
  );
  deps.logger.info(
    `Linked Biometric ID ${empCode} to Employee ${employee.name} on device ${deviceId}'s site; rerunning its failed punches.`,
  );
  const runs = await withRunProgress(
    deps,
    `rerunning punches of ${empCode}`,
    (signal) => engine.rerun({ deviceId, empCode, signal }),
    deviceId,
  );
  return report(deps, runs, `Linked ${empCode} to ${employee.name}; no failed punches were waiting.`);
}

function searchEmployee(
  deps: CommandDeps,
  deviceId: string,
  empCode: string,
  name: string,
): Promise<EmployeeRecord | undefined> {
  const engine = deps.host.requireEngine();
  const qp = vscode.window.createQuickPick<EmployeeItem>();
  qp.title = `Link Biometric ID ${empCode} ("${name}") to an Employee`;
  qp.placeholder = 'Search employees by name or id';
  qp.value = name;
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const search = (text: string) => {
    const mine = ++seq;
    controller?.abort();
    controller = new AbortController();
    qp.busy = true;
    engine.searchEmployees(deviceId, text.trim(), controller.signal).then(
      (found) => {
        if (mine !== seq) return;
        qp.items = found.map((e) => ({
          label: e.employeeName || e.name,
          description: e.name,
          detail: `Biometric ID: ${e.deviceId || 'none'} · ${e.status}${e.userId ? ` · ${e.userId}` : ''}`,
          alwaysShow: true,
          employee: e,
        }));
        qp.busy = false;
        qp.placeholder = found.length
          ? 'Pick the Employee this code belongs to'
          : `No employee matches "${text}"; try another search`;
      },
      (e: unknown) => {
        if (mine !== seq) return;
        qp.busy = false;
        qp.items = [];
        qp.placeholder = `Search failed: ${e instanceof Error ? e.message : String(e)}`;
      },
    );
  };
  return new Promise<EmployeeRecord | undefined>((resolve) => {
    qp.onDidChangeValue((v) => {
      clearTimeout(timer);
      timer = setTimeout(() => search(v), SEARCH_DEBOUNCE_MS);
    });
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      if (picked) {
        resolve(picked.employee);
        qp.hide();
      }
    });
    qp.onDidHide(() => {
      clearTimeout(timer);
      controller?.abort();
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
    search(name);
  });
}
