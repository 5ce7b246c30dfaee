// Test Connection: the engine's doctor checks for one device (or all), shown as a readable Markdown report.
import * as vscode from 'vscode';
import type { DoctorCheck } from '../../shared/model';
import { deviceIdOf } from '../tree/nodeRef';
import { abortSignalFor, configuredDevices, registerCommand, type CommandDeps } from './commandSupport';
import { doctorMarkdown, tally, tallyText } from './doctorReport';

const SCHEME = 'biosync-report';
const reports = new Map<string, string>();
const changed = new vscode.EventEmitter<vscode.Uri>();

export function registerDoctorCommands(deps: CommandDeps): void {
  deps.context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) => reports.get(uri.path) ?? '',
    }),
  );
  registerCommand(deps, 'bioSync.testConnection', async (arg) => {
    const engine = deps.host.requireEngine();
    const deviceId = deviceIdOf(arg) ?? (await pickDeviceOrAll(deps));
    if (deviceId === null) return;
    const state = deps.host.state;
    const name =
      (state.kind === 'ready' && state.config.devices.find((d) => d.id === deviceId)?.name) ||
      deviceId ||
      'all devices';
    const checks = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `BioTime Sync: testing ${name}…`, cancellable: true },
      (_p, token) => engine.doctor(deviceId, abortSignalFor(token)),
    );
    const t = tally(checks);
    deps.logger.info(`Test Connection (${name}): ${tallyText(t)}`);
    for (const c of checks.filter((x) => x.status !== 'ok'))
      deps.logger.warn(`  ${c.target} · ${c.check}: ${c.detail}${c.fix ? ` — ${c.fix}` : ''}`);
    await showDoctorReport(checks, name);
    const summary = `Test Connection (${name}): ${tallyText(t)}.`;
    if (t.fail) void vscode.window.showWarningMessage(summary);
    else void vscode.window.showInformationMessage(summary);
    return checks;
  });
}

/** A device id, undefined for every device, or null when the operator dismissed the pick. */
async function pickDeviceOrAll(deps: CommandDeps): Promise<string | undefined | null> {
  const devices = configuredDevices(deps);
  if (devices.length === 1) return devices[0].id;
  const pick = await vscode.window.showQuickPick(
    [
      { label: '$(checklist) All devices', id: undefined as string | undefined },
      ...devices.map((d) => ({ label: d.name, description: d.id, id: d.id as string | undefined })),
    ],
    {
      placeHolder: 'Test the connection of…',
    },
  );
  return pick ? pick.id : null;
}

/** Opens the report as a read-only Markdown preview (falls back to the text when no Markdown preview exists). */
export async function showDoctorReport(checks: DoctorCheck[], scope: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: SCHEME, path: `/Test Connection - ${scope.replace(/[\\/]/g, '-')}.md` });
  reports.set(uri.path, doctorMarkdown(checks, new Date(), scope));
  changed.fire(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
}
