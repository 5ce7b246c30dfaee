// Show Log, Refresh, Open Settings.
import * as vscode from 'vscode';
import { readRawEntries } from '../adapters/settings';
import { registerCommand, type CommandDeps } from './commandSupport';

export function registerMiscCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.showLog', () => deps.logger.show());
  registerCommand(deps, 'bioSync.refresh', () => deps.model.invalidate());
  registerCommand(deps, 'bioSync.openSettings', async (key) => {
    // A problem in an entry of bioSync.devices / bioSync.sites opens settings.json at that entry.
    if (typeof key === 'string' && /^bioSync\.(devices|sites)\[\d+\]/.test(key)) return openSettingsJsonAt(key);
    return vscode.commands.executeCommand(
      'workbench.action.openSettings',
      typeof key === 'string' && key.startsWith('bioSync') ? key : '@ext:biotime-sync.biotime-sync',
    );
  });
}

/**
 * Opens the user settings.json and selects the entry `bioSync.devices[1].timeZone` names: found by the entry's id (or
 * its position in the array) and then the key inside it. Returns the line selected, or undefined when not found.
 */
async function openSettingsJsonAt(key: string): Promise<number | undefined> {
  const m = /^bioSync\.(devices|sites)\[(\d+)\]\.?([A-Za-z]*)/.exec(key)!;
  const [, list, index, sub] = m;
  const entries = readRawEntries()[list as 'devices' | 'sites'];
  const id = entries[Number(index)]?.id;
  await vscode.commands.executeCommand('workbench.action.openSettingsJson');
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const text = editor.document.getText();
  const listAt = text.indexOf(`"bioSync.${list}"`);
  if (listAt < 0) return undefined;
  let at = typeof id === 'string' ? text.indexOf(`"${id}"`, listAt) : -1;
  if (at < 0) {
    // No usable id: count the entries' opening braces after the array starts.
    at = text.indexOf('[', listAt);
    for (let i = 0; i <= Number(index) && at >= 0; i++) at = text.indexOf('{', at + 1);
  }
  if (at < 0) return undefined;
  if (sub) {
    // The key inside this entry: after the entry's start and before the next entry's id.
    const start = text.lastIndexOf('{', at);
    const next = typeof id === 'string' ? text.indexOf('"id"', at + id.length + 2) : -1;
    const subAt = text.indexOf(`"${sub}"`, start);
    if (subAt >= 0 && (next < 0 || subAt < next)) at = subAt;
  }
  const pos = editor.document.positionAt(at);
  editor.selection = new vscode.Selection(pos, editor.document.lineAt(pos.line).range.end);
  editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenter);
  return pos.line;
}
