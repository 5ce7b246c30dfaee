// Composition root (style rule 4): builds the adapters, the engine host, the views and the commands, and nothing more.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Redactor } from '../core/redact';
import { createOutputChannelLogger } from './adapters/outputChannelLogger';
import { SecretStorageCredentials, SecretStore } from './adapters/secretStorageCredentials';
import { affectsSyncConfig, affectsUi, readUiSettings } from './adapters/settings';
import type { CommandDeps } from './commands/commandSupport';
import { registerCredentialCommands } from './commands/credentialCommands';
import { registerDeviceCommands } from './commands/deviceCommands';
import { registerSiteCommands } from './commands/siteCommands';
import { registerRunnerCommands } from './commands/runnerCommands';
import { registerDoctorCommands } from './commands/doctorCommands';
import { registerMiscCommands } from './commands/miscCommands';
import { registerPunchCommands } from './commands/punchCommands';
import { registerSandboxCommands } from './commands/sandboxCommands';
import { registerSyncCommands } from './commands/syncCommands';
import { vscodeDialogs, type Dialogs } from './dialogs';
import { EngineHost } from './engineHost';
import { FailureNotifier } from './failureNotifier';
import { SyncStatusBar } from './statusBar';
import { DevicesTreeProvider } from './tree/devicesTreeProvider';
import type { TreeContext } from './tree/nodes/treeNode';
import { RunsTreeProvider } from './tree/runsTreeProvider';
import { SyncTreeModel } from './tree/treeModel';
import { MappingPanels } from './webviews/mappingPanel';
import { registerConsoleCommands } from './commands/consoleCommands';
import { ConsolePanels } from './webviews/consolePanels';
import { registerFailedListCommands } from './commands/failedListCommands';
import { FailedTreeProvider } from './tree/failedTreeProvider';

/** What activate() returns: used by the extension-host tests, never by other extensions. */
export interface BioSyncTestApi {
  readonly host: EngineHost;
  readonly secrets: SecretStore;
  readonly model: SyncTreeModel;
  readonly mapping: MappingPanels;
  readonly trees: {
    readonly devices: DevicesTreeProvider;
    readonly runs: RunsTreeProvider;
    readonly failed: FailedTreeProvider;
  };
  readonly consolePanels: ConsolePanels;
  readonly stateDir: string;
  /** The modal questions commands ask; tests replace `ask` to answer them and see what was asked. */
  readonly dialogs: Dialogs;
  readonly statusBar: SyncStatusBar;
  /** The last lines written to the BioTime Sync log. */
  readonly logLines: () => readonly string[];
}

let host: EngineHost | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<BioSyncTestApi> {
  const redactor = new Redactor();
  const logger = createOutputChannelLogger(redactor);
  const secrets = new SecretStore(context.secrets, redactor);
  const credentials = new SecretStorageCredentials(secrets);
  // Global storage is shared by every window, so the engine's state-directory lock makes exactly one of them sync.
  const stateDir = path.join(context.globalStorageUri.fsPath, 'state');
  host = new EngineHost(stateDir, credentials, logger.scoped('engine'), context.globalState);
  const dialogs = vscodeDialogs();
  const model = new SyncTreeModel(host);
  const treeContext: TreeContext = { model, host, now: () => new Date(), ui: readUiSettings };
  const devices = new DevicesTreeProvider(treeContext);
  const runs = new RunsTreeProvider(treeContext);
  const failed = new FailedTreeProvider(treeContext);
  const failedView = vscode.window.createTreeView('bioSync.failed', { treeDataProvider: failed });
  failed.onDidChangeFilter(() => (failedView.description = failed.filterDescription || undefined));
  const mapping = new MappingPanels({ host, logger, extensionUri: context.extensionUri });
  const statusBar = new SyncStatusBar(model);
  context.subscriptions.push(
    logger,
    host,
    model,
    devices,
    runs,
    mapping,
    vscode.window.createTreeView('bioSync.devices', { treeDataProvider: devices, showCollapseAll: true }),
    vscode.window.createTreeView('bioSync.runs', { treeDataProvider: runs }),
    failed,
    failedView,
    statusBar,
    new FailureNotifier(host),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSyncConfig(e)) void host?.reload();
      else if (affectsUi(e)) model.invalidate();
    }),
  );

  const deps: CommandDeps = { context, host, secrets, credentials, logger, model, mapping, dialogs };
  registerDeviceCommands(deps);
  registerSiteCommands(deps);
  registerRunnerCommands(deps);
  registerCredentialCommands(deps);
  registerDoctorCommands(deps);
  registerSyncCommands(deps);
  registerPunchCommands(deps);
  registerMiscCommands(deps);
  registerSandboxCommands(deps);
  const consolePanels = new ConsolePanels({ host, logger, extensionUri: context.extensionUri });
  consolePanels.registerSerializers();
  context.subscriptions.push(consolePanels);
  registerConsoleCommands(deps, consolePanels);
  registerFailedListCommands(deps, failed);

  await host.reload();
  return {
    host,
    secrets,
    model,
    mapping,
    trees: { devices, runs, failed },
    consolePanels,
    stateDir,
    dialogs,
    statusBar,
    logLines: () => logger.recent,
  };
}

export async function deactivate(): Promise<void> {
  await host?.shutdown();
  host = undefined;
}
