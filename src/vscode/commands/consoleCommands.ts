// Show Dashboard, Show Punch History: the operations console panels (src/vscode/webviews/consolePanels.ts).
import type { ConsolePanels } from '../webviews/consolePanels';
import { registerCommand, type CommandDeps } from './commandSupport';
import { registerResetCursorCommand } from './resetCursorCommand';

export function registerConsoleCommands(deps: CommandDeps, panels: ConsolePanels): void {
  registerResetCursorCommand(deps);
  registerCommand(deps, 'bioSync.showDashboard', () => panels.showDashboard());
  // From a device in the tree: the history of that device; from the palette: every device.
  registerCommand(deps, 'bioSync.showHistory', (arg) => {
    const device = deviceIdOf(arg);
    panels.showHistory(device ? { device } : {});
  });
}

function deviceIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'deviceId' in arg && typeof arg.deviceId === 'string') return arg.deviceId;
  return undefined;
}
