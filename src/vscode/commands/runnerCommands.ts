// Choose / unchoose this machine as the scheduled runner of a device (issue 11 item 4, runnerPolicy.ts). The choice
// is machine-local; Sync Now keeps working on any machine, only the schedule follows the choice.
import * as vscode from 'vscode';
import { deviceIdOf } from '../tree/nodeRef';
import { registerCommand, resolveDevice, type CommandDeps } from './commandSupport';

export function registerRunnerCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.runHere', async (arg) => {
    const device = await resolveDevice(
      deps,
      deviceIdOf(arg),
      'Device to sync on a schedule from this machine',
      (d) => !deps.host.runsHere(d.id),
    );
    if (!device) return;
    if (deps.host.devicesShared) {
      const ok = await vscode.window.showWarningMessage(
        `Sync "${device.name}" on a schedule from this machine?`,
        {
          modal: true,
          detail:
            'This device is configured in the workspace settings, which other machines may share. Make sure no other machine syncs it ("BioTime Sync: Stop Syncing This Device Here" there): two machines syncing one device create duplicate checkins.',
        },
        'Sync Here',
      );
      if (ok !== 'Sync Here') return;
    }
    await deps.host.setRunner(device.id, 'here');
  });
  registerCommand(deps, 'bioSync.stopRunningHere', async (arg) => {
    const device = await resolveDevice(deps, deviceIdOf(arg), 'Device to stop syncing on this machine', (d) =>
      deps.host.runsHere(d.id),
    );
    if (!device) return;
    await deps.host.setRunner(device.id, 'notHere');
  });
}
