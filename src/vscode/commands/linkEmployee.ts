// "No employee with Biometric ID X" fixed from the editor: search the site's employees (prefilled with the
// BioTime name), confirm, write the Biometric ID through the Frappe API, then rerun every failed punch with that code.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { EmployeeRecord } from '../../core/types';
import type { RunSummary } from '../../shared/model';
import { abortSignalFor, deviceLabel, type CommandDeps } from './commandSupport';
import type { DialogLevel } from '../dialogs';
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
  const employee = deps.dialogs.pickEmployee
    ? await deps.dialogs.pickEmployee(deviceId, empCode, bioTimeName)
    : await searchEmployee(deps, deviceId, empCode, bioTimeName);
  if (!employee) return undefined;
  const q = linkQuestion(employee, empCode, bioTimeName);
  const ok = await deps.dialogs.ask(q.level, q.message, q.detail, 'Link and Rerun');
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
    `Linked Biometric ID ${empCode} to Employee ${employee.name} (${employee.employeeName}) on the site of ${deviceLabel(deps, deviceId)}${employee.deviceId && employee.deviceId !== empCode ? `, replacing its Biometric ID ${employee.deviceId}` : ''}; rerunning its failed punches.`,
  );
  const runs = await withRunProgress(
    deps,
    `rerunning punches of ${empCode}`,
    (signal) => engine.rerun({ deviceId, empCode, signal }),
    deviceId,
  );
  return report(deps, runs, `Linked ${empCode} to ${employee.name}; no failed punches were waiting.`);
}

const normalName = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The confirmation before writing the Biometric ID. Replacing another ID (whose punches then stop matching) or a
 * name that differs from BioTime's is a warning that says both, not an information line.
 */
export function linkQuestion(
  employee: EmployeeRecord,
  empCode: string,
  bioTimeName: string,
): { level: DialogLevel; message: string; detail: string } {
  const who = `${employee.name} (${employee.employeeName || 'no name'})`;
  const replaces = !!employee.deviceId && employee.deviceId !== empCode;
  const mismatch = !!bioTimeName.trim() && normalName(bioTimeName) !== normalName(employee.employeeName || '');
  const warnings = [
    replaces
      ? `${who} already has Biometric ID ${employee.deviceId}: it is replaced by ${empCode}, and punches with code ${employee.deviceId} will no longer match this Employee.`
      : '',
    mismatch
      ? `The names differ: BioTime calls code ${empCode} "${bioTimeName}", Frappe calls this Employee "${employee.employeeName}".`
      : '',
  ].filter(Boolean);
  const after = `The Employee is updated in Frappe, then every failed punch with code ${empCode} is rerun.`;
  if (!warnings.length)
    return {
      level: 'info',
      message: `Set Biometric ID ${empCode} on ${who}?`,
      detail: `BioTime calls this person "${bioTimeName}". ${after}`,
    };
  return {
    level: 'warning',
    message: `Set Biometric ID ${empCode} on ${who}? ${replaces && mismatch ? 'This replaces an existing Biometric ID and the names differ.' : replaces ? `This replaces its Biometric ID ${employee.deviceId}.` : 'The names differ.'}`,
    detail: `${warnings.join('\n')}\n${after}`,
  };
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
        qp.placeholder = `Search failed: ${errorMessage(e)}`;
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
