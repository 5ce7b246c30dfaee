// What every command module shares: its dependencies, error handling at the edge, device/site pickers.
import * as vscode from 'vscode';
import type { DeviceConfig, SiteConfig } from '../../core/configTypes';
import type { SyncEngineApi } from '../../core/engineApi';
import type { HostLogger } from '../adapters/outputChannelLogger';
import type { SecretStorageCredentials, SecretStore } from '../adapters/secretStorageCredentials';
import type { Dialogs } from '../dialogs';
import type { EngineHost } from '../engineHost';
import { adviseOn, FIX_COMMANDS, FIX_LABELS, UserFacingError, type FixAction } from '../errors';
import type { SyncTreeModel } from '../tree/treeModel';
import type { MappingPanels } from '../webviews/mappingPanel';

export { abortSignalFor } from '../cancellation';

export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly host: EngineHost;
  readonly secrets: SecretStore;
  readonly credentials: SecretStorageCredentials;
  readonly logger: HostLogger;
  readonly model: SyncTreeModel;
  readonly mapping: MappingPanels;
  readonly dialogs: Dialogs;
}

/** "Main gate (hq)": devices are named by name in messages and the log, with the id that settings use. */
export function deviceLabel(deps: CommandDeps, deviceId: string): string {
  const d = configuredDevices(deps).find((x) => x.id === deviceId);
  return d && d.name !== d.id ? `${d.name} (${d.id})` : deviceId;
}

/** Registers a command whose failures are translated for the operator instead of surfacing as raw errors. */
export function registerCommand(deps: CommandDeps, id: string, handler: (...args: unknown[]) => unknown): void {
  deps.context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (e) {
        await showError(deps, e, id);
        return undefined;
      }
    }),
  );
}

/** Shows an error with the actions that fix it; the details go to the log. */
export async function showError(deps: CommandDeps, e: unknown, where: string, deviceId?: string): Promise<void> {
  const advice = adviseOn(e);
  if (advice.silent) return;
  deps.logger.error(`${where}: ${advice.message}`);
  if (e instanceof Error && !(e instanceof UserFacingError) && e.stack) deps.logger.debug(e.stack);
  offerFixes(advice.message, advice.actions, deviceId);
}

/** An error message with fix buttons. Does not wait for the operator: commands return at once. */
export function offerFixes(message: string, actions: FixAction[], deviceId?: string): void {
  void vscode.window.showErrorMessage(message, ...actions.map((a) => FIX_LABELS[a])).then((choice) => {
    const action = actions.find((a) => FIX_LABELS[a] === choice);
    if (action)
      void vscode.commands.executeCommand(
        FIX_COMMANDS[action],
        ...(deviceId && action !== 'showLog' ? [deviceId] : []),
      );
  });
}

export function configuredDevices(deps: CommandDeps): DeviceConfig[] {
  const s = deps.host.state;
  return s.kind === 'ready' ? s.config.devices : [];
}

export function configuredSites(deps: CommandDeps): SiteConfig[] {
  const s = deps.host.state;
  return s.kind === 'ready' ? s.config.sites : [];
}

/** The device named by `arg`, or one picked by the operator (undefined when they dismiss the pick). */
export async function resolveDevice(
  deps: CommandDeps,
  deviceId: string | undefined,
  placeHolder: string,
  filter?: (d: DeviceConfig) => boolean,
): Promise<DeviceConfig | undefined> {
  deps.host.requireEngine();
  const devices = configuredDevices(deps);
  if (deviceId) {
    const d = devices.find((x) => x.id === deviceId);
    if (!d) throw new UserFacingError(`No device '${deviceId}' is configured.`, 'openSettings');
    return d;
  }
  const candidates = filter ? devices.filter(filter) : devices;
  if (candidates.length === 1) return candidates[0];
  const pick = await vscode.window.showQuickPick(
    candidates.map((d) => ({
      label: d.name,
      description: d.id,
      detail: `${d.url} → site ${d.site}${d.enabled ? '' : ' (disabled)'}`,
      device: d,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.device;
}

/** The engine plus the device; throws the UserFacingError that explains why there is none. */
export async function engineAndDevice(
  deps: CommandDeps,
  deviceId: string | undefined,
  placeHolder: string,
  filter?: (d: DeviceConfig) => boolean,
): Promise<{ engine: SyncEngineApi; device: DeviceConfig } | undefined> {
  const engine = deps.host.requireEngine();
  const device = await resolveDevice(deps, deviceId, placeHolder, filter);
  return device ? { engine, device } : undefined;
}
