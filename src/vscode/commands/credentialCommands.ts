// Set BioTime Password / Set Frappe API Key: straight into SecretStorage, then the engine is rebuilt so that no
// client keeps using the old credentials or a token obtained with them.
import * as vscode from 'vscode';
import { secretKeys } from '../adapters/secretStorageCredentials';
import { deviceIdOf, refOf } from '../tree/nodeRef';
import { configuredDevices, configuredSites, registerCommand, resolveDevice, type CommandDeps } from './commandSupport';

export function registerCredentialCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.setBiotimePassword', async (arg) => {
    const device = await resolveDevice(deps, deviceIdOf(arg), 'Device whose BioTime password to set');
    if (!device) return;
    const password = await vscode.window.showInputBox({
      title: `BioTime password of ${device.username} on ${device.name}`,
      prompt: 'Kept in the OS keychain (VS Code SecretStorage), never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'Enter the password.'),
    });
    if (!password) return;
    await deps.secrets.store(secretKeys.biotimePassword(device.id), password);
    await deps.secrets.delete(secretKeys.biotimeToken(device.id));
    deps.logger.info(`BioTime password of ${device.name} (${device.id}) updated.`);
    await deps.host.reload();
    void vscode.window.showInformationMessage(`BioTime password of "${device.name}" saved in the keychain.`);
  });

  registerCommand(deps, 'bioSync.setFrappeApiKey', async (arg) => {
    deps.host.requireEngine();
    const ref = refOf(arg);
    const sites = configuredSites(deps);
    let siteId =
      typeof arg === 'string' && sites.some((s) => s.id === arg)
        ? arg
        : configuredDevices(deps).find((d) => d.id === ref?.deviceId)?.site;
    if (!siteId) {
      siteId =
        sites.length === 1
          ? sites[0].id
          : (
              await vscode.window.showQuickPick(
                sites.map((s) => ({ label: s.id, description: s.url })),
                { placeHolder: 'Frappe site whose API key to set' },
              )
            )?.label;
    }
    const site = sites.find((s) => s.id === siteId);
    if (!site) return;
    const apiKey = await vscode.window.showInputBox({
      title: `Frappe API key for ${site.url}`,
      prompt: 'API key of the sync user (User → Settings → API Access). Kept in the OS keychain.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the API key.'),
    });
    if (!apiKey) return;
    const apiSecret = await vscode.window.showInputBox({
      title: `Frappe API secret for ${site.url}`,
      prompt: 'Kept in the OS keychain, never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter the API secret.'),
    });
    if (!apiSecret) return;
    await deps.secrets.store(secretKeys.frappeApiKey(site.id), apiKey.trim());
    await deps.secrets.store(secretKeys.frappeApiSecret(site.id), apiSecret.trim());
    deps.logger.info(`Frappe API key of site ${site.id} updated.`);
    await deps.host.reload();
    void vscode.window.showInformationMessage(`Frappe API key and secret of "${site.id}" saved in the keychain.`);
  });
}
