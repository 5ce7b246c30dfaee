// Show Dashboard, Show Punch History: the operations console panels (src/vscode/webviews/consolePanels.ts).
import type { ConsolePanels } from '../webviews/consolePanels';
import { registerCommand, type CommandDeps } from './commandSupport';
import { registerResetCursorCommand } from './resetCursorCommand';
import { deviceIdOf } from '../tree/nodeRef';

export function registerConsoleCommands(deps: CommandDeps, panels: ConsolePanels): void {
  registerResetCursorCommand(deps);
  registerCommand(deps, 'bioSync.showDashboard', () => panels.showDashboard());
  // From a device in the tree: the history of that device; from the palette: every device.
  registerCommand(deps, 'bioSync.showHistory', (arg) => {
    const device = deviceIdOf(arg);
    panels.showHistory(device ? { device } : {});
  });
}
