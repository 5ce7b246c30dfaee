// Remove Frappe Site…: a site entry and its API key and secret go together. A site that devices still send their
// checkins to is not removed (they would stop with "no site with id"): the operator is told which devices, and to
// edit or remove them first. Nothing is said to be removed that was not.
import * as vscode from 'vscode';
import { readRawEntries, removeSite } from '../adapters/settings';
import { registerCommand, type CommandDeps } from './commandSupport';

export function registerSiteCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.removeSite', async (arg) => {
    const siteId = typeof arg === 'string' ? arg : await pickSite();
    if (!siteId) return undefined;
    return removeSiteNamed(deps, siteId);
  });
}

/** What the command did, for the caller (and the extension-host test). */
export type RemoveSiteOutcome = 'removed' | 'inUse' | 'cancelled' | 'unknown';

async function removeSiteNamed(deps: CommandDeps, siteId: string): Promise<RemoveSiteOutcome> {
  const raw = readRawEntries();
  if (!raw.sites.some((s) => s.id === siteId)) {
    void vscode.window.showWarningMessage(`There is no Frappe site "${siteId}" in the settings (bioSync.sites).`);
    return 'unknown';
  }
  const users = raw.devices.filter((d) => d.site === siteId).map((d) => String(d.name ?? d.id));
  if (users.length) {
    await deps.dialogs.ask(
      'warning',
      `Frappe site "${siteId}" is still used by ${users.length} device(s); it was not removed.`,
      `Devices sending their checkins to it: ${users.join(', ')}. Edit them ("BioTime Sync: Edit Device…") to use another site, or remove them ("BioTime Sync: Remove Device…"), then remove the site.`,
    );
    return 'inUse';
  }
  const ok = await deps.dialogs.ask(
    'warning',
    `Remove Frappe site "${siteId}"?`,
    'It is removed from the settings (bioSync.sites) and its API key and secret are deleted from the keychain. Checkins already created in Frappe stay.',
    'Remove',
  );
  if (ok !== 'Remove') return 'cancelled';
  await deps.secrets.deleteSite(siteId);
  await removeSite(siteId);
  deps.logger.info(`Removed Frappe site ${siteId} and its API key and secret.`);
  void vscode.window.showInformationMessage(`Frappe site "${siteId}" removed, with its API key and secret.`);
  return 'removed';
}

async function pickSite(): Promise<string | undefined> {
  const raw = readRawEntries();
  const items = raw.sites
    .filter((s): s is typeof s & { id: string } => typeof s.id === 'string')
    .map((s) => {
      const users = raw.devices.filter((d) => d.site === s.id).length;
      return {
        label: s.id,
        description: String(s.url ?? ''),
        detail: users ? `used by ${users} device(s): remove or move them first` : 'no device uses it',
      };
    });
  if (!items.length) {
    void vscode.window.showInformationMessage('No Frappe site is configured (bioSync.sites is empty).');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { title: 'Remove Frappe Site', placeHolder: 'Site to remove' }))
    ?.label;
}
