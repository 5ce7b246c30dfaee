// The Failed Punches view's commands (and the Sync Runs view's flat/by-device toggle): filter by device, site or reason; clear the filter; export what the view
// lists as CSV (the columns of `biotime-sync failed --csv`, written by the same core function); and reveal the view
// (the status bar's click when punches wait).
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { failedCsv } from '../../core/csv';
import { SettingKeys, writeViewSetting } from '../adapters/settings';
import { filterChoices, type FailedFilter } from '../tree/failedFilter';
import type { FailedTreeProvider } from '../tree/failedTreeProvider';
import { registerCommand, type CommandDeps } from './commandSupport';

type Dimension = keyof FailedFilter;
const DIMENSIONS: { key: Dimension; label: string }[] = [
  { key: 'device', label: 'Device' },
  { key: 'site', label: 'Site' },
  { key: 'reason', label: 'Reason' },
];

export function registerFailedListCommands(deps: CommandDeps, failed: FailedTreeProvider): void {
  // The Sync Runs view's toggle between runs under their device and one flat list (bioSync.runs.groupByDevice).
  registerCommand(deps, 'bioSync.showRunsFlat', () => writeViewSetting(SettingKeys.runsGroupByDevice, false));
  registerCommand(deps, 'bioSync.showRunsByDevice', () => writeViewSetting(SettingKeys.runsGroupByDevice, true));

  registerCommand(deps, 'bioSync.showFailedPunches', async () => {
    await vscode.commands.executeCommand('bioSync.failed.focus');
  });

  // With a filter object as argument (tests, other commands) it is applied as is; otherwise the operator picks.
  registerCommand(deps, 'bioSync.filterFailed', async (arg) => {
    if (arg && typeof arg === 'object' && !('ref' in arg)) {
      const f = arg as FailedFilter;
      failed.filter = pick(f);
      return failed.filter;
    }
    const choices = filterChoices(await deps.model.allFailed(), failed.deviceSite);
    const dim = await vscode.window.showQuickPick(
      DIMENSIONS.map((d) => ({
        label: d.label,
        description: failed.filter[d.key] ? `now: ${failed.filter[d.key]}` : `${choices[d.key].size} value(s)`,
        key: d.key,
      })),
      { title: 'Filter failed punches by…' },
    );
    if (!dim) return undefined;
    const values = [...choices[dim.key]].sort((a, b) => b[1] - a[1]);
    const value = await vscode.window.showQuickPick(
      [
        { label: `Any ${dim.label.toLowerCase()}`, value: undefined as string | undefined },
        ...values.map(([v, n]) => ({ label: v, description: `${n} punch(es)`, value: v as string | undefined })),
      ],
      { title: `Failed punches of which ${dim.label.toLowerCase()}?` },
    );
    if (!value) return undefined;
    failed.filter = { ...failed.filter, [dim.key]: value.value };
    return failed.filter;
  });

  registerCommand(deps, 'bioSync.clearFailedFilter', () => {
    failed.filter = {};
  });

  // Returns the file written (tests read it back), undefined when the operator cancels or nothing is listed.
  registerCommand(deps, 'bioSync.exportFailedCsv', async () => {
    const list = await failed.shown();
    if (!list.length) {
      void vscode.window.showInformationMessage(
        failed.filterDescription
          ? `No failed punch matches the filter (${failed.filterDescription}): nothing to export.`
          : 'No failed punch is waiting: nothing to export.',
      );
      return undefined;
    }
    const uri = await deps.dialogs.saveFile('Export Failed Punches as CSV', 'failed-punches.csv', { CSV: ['csv'] });
    if (!uri) return undefined;
    await fs.writeFile(uri.fsPath, failedCsv(list) + '\r\n', 'utf8');
    const what = `${list.length} failed punch${list.length === 1 ? '' : 'es'}${failed.filterDescription ? ` (${failed.filterDescription})` : ''}`;
    deps.logger.info(`Exported ${what} to ${uri.fsPath}.`);
    void vscode.window.showInformationMessage(`Exported ${what} to ${uri.fsPath}.`);
    return uri.fsPath;
  });
}

function pick(f: FailedFilter): FailedFilter {
  const out: FailedFilter = {};
  for (const { key } of DIMENSIONS) if (typeof f[key] === 'string' && f[key]) out[key] = f[key];
  return out;
}
