// Reset Cursor…: the device's cursor is forgotten so the next run reads BioTime again from the start (or from
// importSince). The confirmation says exactly what will be read again and why nothing is created twice. Only the
// window that runs the syncs may do it, and never while the device is syncing: a run in flight saves its own
// cursor at each checkpoint and would undo the reset.
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { deviceIdOf } from '../tree/nodeRef';
import { configuredSites, engineAndDevice, registerCommand, type CommandDeps } from './commandSupport';

export function registerResetCursorCommand(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.resetCursor', async (arg) => {
    // From the device's menu VS Code passes the tree node: its ref names the device.
    const id = deviceIdOf(arg);
    const picked = await engineAndDevice(deps, id, 'Reset the cursor of which device?');
    if (!picked) return;
    const { engine, device } = picked;
    if (deps.host.role !== 'runner')
      throw new UserFacingError(
        'Another BioTime Sync window (or a `biotime-sync watch`) runs the syncs of this state: reset the cursor there, or with `biotime-sync reset-cursor --device ' +
          device.id +
          '` once it is stopped.',
        'showLog',
      );
    if (engine.isRunning(device.id))
      throw new UserFacingError(
        `Device ${device.id} is syncing now; reset its cursor once the run has finished.`,
        'showLog',
      );
    const status = (await engine.status()).find((s) => s.deviceId === device.id);
    const site = configuredSites(deps).find((x) => x.id === device.site);
    const from = device.importSince
      ? `every transaction with a punch time at or after ${device.importSince} (its importSince)`
      : 'every transaction BioTime still holds, from the first one (no importSince is set)';
    const cursor = status?.cursor ?? null;
    const detail = [
      cursor === null
        ? `${device.name} has no cursor yet: nothing has been read, so a reset changes nothing.`
        : `${device.name} has read BioTime up to transaction ${cursor}.`,
      `The next run reads ${from} again${cursor === null ? '' : `, including those up to transaction ${cursor} already read`}, and sends them to site ${device.site}${site ? ` (${site.url})` : ''}.`,
      'Punches that already have a checkin are recognised as duplicates: nothing is created twice, but a large BioTime takes a while to read again. Failed punches and watched ids are kept.',
      'Do this after a BioTime database restore or reinstall (transaction ids reused) or to import into a new site, not to retry failed punches (use Rerun Failed Punches).',
    ].join('\n\n');
    const ok = await deps.dialogs.ask('warning', `Reset the cursor of ${device.name}?`, detail, 'Reset Cursor');
    if (ok !== 'Reset Cursor') return;
    await engine.resetCursor(device.id);
    deps.logger.info(`Cursor of ${device.id} reset (was ${cursor ?? 'none'}); the next run reads ${from}.`);
    void vscode.window.showInformationMessage(`Cursor reset: the next run of ${device.name} reads ${from} again.`);
    return detail;
  });
}
