// Show Dashboard, Show Punch History: the operations console panels (src/vscode/webviews/consolePanels.ts).
import type { ConsolePanels } from '../webviews/consolePanels';
import { registerCommand, type CommandDeps } from './commandSupport';
import { registerResetCursorCommand } from './resetCursorCommand';
import { deviceIdOf } from '../tree/nodeRef';
import { SiteNode } from '../tree/nodes/siteNode';

export function registerConsoleCommands(deps: CommandDeps, panels: ConsolePanels): void {
  registerResetCursorCommand(deps);
  // From a site in the Devices view: that site's dashboard; from the palette or the view title: all sites.
  registerCommand(deps, 'bioSync.showDashboard', (arg) => panels.showDashboard(siteOf(arg)));
  // From a device in the tree: the history of that device; from the palette: every device.
  registerCommand(deps, 'bioSync.showHistory', (arg) => {
    const device = deviceIdOf(arg);
    panels.showHistory(device ? { device } : {});
  });
}

function siteOf(arg: unknown): string | undefined {
  return arg instanceof SiteNode ? arg.site : undefined;
}
