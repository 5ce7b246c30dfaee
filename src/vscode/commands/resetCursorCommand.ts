// Reset Cursor…: the device's cursor is forgotten so the next run reads BioTime again from the start (or from
// importSince). The confirmation says exactly what will be read again and why nothing is created twice. Only the
// window that runs the syncs may do it, and never while the device is syncing: a run in flight saves its own
// cursor at each checkpoint and would undo the reset.
import * as vscode from 'vscode';
import { UserFacingError } from '../errors';
import { engineAndDevice, registerCommand, type CommandDeps } from './commandSupport';

export function registerResetCursorCommand(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.resetCursor', async (arg) => {
    const id = typeof arg === 'string' ? arg : (arg as { deviceId?: string } | undefined)?.deviceId;
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
    const from = device.importSince
      ? `every transaction since ${device.importSince}`
      : 'every transaction from the first one';
    const detail = [
      `The cursor of ${device.name} is at BioTime transaction ${status?.cursor ?? 'none'}.`,
      `The next run reads ${from} again. Punches that already have a checkin are recognised as duplicates: nothing is created twice, but a large BioTime takes a while to read again.`,
      'Do this after a BioTime database restore or reinstall (transaction ids reused), not to retry failed punches (use Rerun Failed Punches).',
    ].join('\n\n');
    const ok = await vscode.window.showWarningMessage(
      `Reset the cursor of ${device.name}?`,
      { modal: true, detail },
      'Reset Cursor',
    );
    if (ok !== 'Reset Cursor') return;
    await engine.resetCursor(device.id);
    deps.logger.info(`Cursor of ${device.id} reset (was ${status?.cursor ?? 'none'}); the next run reads ${from}.`);
    void vscode.window.showInformationMessage(`The next run of ${device.name} reads ${from} again.`);
  });
}
