// Show Log, Refresh, Open Settings.
import * as vscode from 'vscode';
import { registerCommand, type CommandDeps } from './commandSupport';

export function registerMiscCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.showLog', () => deps.logger.show());
  registerCommand(deps, 'bioSync.refresh', () => deps.model.invalidate());
  registerCommand(deps, 'bioSync.openSettings', (key) =>
    vscode.commands.executeCommand(
      'workbench.action.openSettings',
      typeof key === 'string' && key.startsWith('bioSync')
        ? key.replace(/\[\d+\].*$/, '')
        : '@ext:biotime-sync.biotime-sync',
    ),
  );
}
