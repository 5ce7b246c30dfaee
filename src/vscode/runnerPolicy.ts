// Which machine syncs a device on a schedule (issue 11 item 4). Two installations syncing one device duplicate
// checkins (Frappe HR's duplicate check is not atomic: two identical batches at once both succeed). Devices kept in
// the user settings are this machine's own, so they sync here as before. Devices in a workspace's settings are
// shared with everyone who opens that workspace (the README invites keeping them in Git): they are synced on a
// schedule only by a machine that was explicitly chosen as their runner. The choice is machine-local (the
// extension's globalState, not synced) and keyed by device id and BioTime URL, so a device that changes server
// is not silently picked up. vscode-free so it can be unit-tested.

export type RunnerChoice = 'here' | 'notHere';
export type RunnerChoices = Readonly<Record<string, RunnerChoice>>;

/** The globalState key holding the choices. */
export const RUNNER_CHOICES_KEY = 'bioSync.runnerChoices';

export interface RunnerDevice {
  id: string;
  url: string;
}

export function runnerKey(d: RunnerDevice): string {
  return `${d.id}\u0000${d.url.replace(/\/+$/, '')}`;
}

/**
 * Scheduled here? An explicit choice wins; otherwise user-level devices yes, shared (workspace) ones no. The
 * built-in sandbox's devices point at servers in this window, so they are always this machine's.
 */
export function runsHere(d: RunnerDevice, shared: boolean, choices: RunnerChoices): boolean {
  const c = choices[runnerKey(d)];
  if (c) return c === 'here';
  return !shared || d.id.startsWith('sandbox-');
}

/**
 * Attempted by this window's scheduler? Only a device that runs here (above) and, for a built-in sandbox device,
 * only while its simulated servers run in this window: after a reload they are gone, and attempting it would only
 * produce "connection refused" as if a real server were down (the tree says "sandbox demo" and offers the way out).
 */
export function scheduledHere(
  d: RunnerDevice,
  shared: boolean,
  choices: RunnerChoices,
  sandboxRunning: (deviceId: string) => boolean,
): boolean {
  if (d.id.startsWith('sandbox-') && !sandboxRunning(d.id)) return false;
  return runsHere(d, shared, choices);
}

export function withChoice(
  choices: RunnerChoices,
  d: RunnerDevice,
  choice: RunnerChoice,
): Record<string, RunnerChoice> {
  return { ...choices, [runnerKey(d)]: choice };
}

/** What the tree says about a device that is not synced on a schedule here. */
export function notRunnerText(shared: boolean): { description: string; tooltip: string } {
  return shared
    ? {
        description: 'not scheduled on this machine',
        tooltip:
          'This device comes from the workspace settings, shared with everyone who opens this workspace. Only the machine chosen as its runner syncs it on a schedule (two runners create duplicate checkins). Run "BioTime Sync: Sync This Device on a Schedule Here" on the one machine that should.',
      }
    : {
        description: 'not scheduled on this machine',
        tooltip:
          'Scheduled syncs of this device were stopped on this machine ("BioTime Sync: Stop Syncing This Device Here"). Run "BioTime Sync: Sync This Device on a Schedule Here" to sync it here again.',
      };
}
