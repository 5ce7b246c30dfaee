import * as vscode from 'vscode';
import type { BioSyncTestApi } from '../../src/vscode/extension';
import type { TreeNode } from '../../src/vscode/tree/nodes/treeNode';

export const EXTENSION_ID = 'biotime-sync.biotime-sync';

export async function api(): Promise<BioSyncTestApi> {
  const ext = vscode.extensions.getExtension<BioSyncTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('bioSync');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, value, vscode.ConfigurationTarget.Global);
}

/** Runs a command that may open a quick input or dialog, dismissing whatever it opens until it returns. */
export async function runDismissing<T>(id: string, ...args: unknown[]): Promise<T | undefined> {
  let done = false;
  const p = Promise.resolve(vscode.commands.executeCommand<T>(id, ...args)).finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setTimeout(r, 250));
    if (!done) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
  return p;
}

export interface RenderedNode {
  label: string;
  description: string;
  contextValue: string;
  node: TreeNode;
}

export async function render(provider: vscode.TreeDataProvider<TreeNode>, parent?: TreeNode): Promise<RenderedNode[]> {
  const nodes = (await provider.getChildren(parent)) ?? [];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await provider.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '', node };
    }),
  );
}

/**
 * A suite's own starting point when it needs nothing configured: no devices, no sites, the scheduler setting at its
 * default, and the extension showing its welcome views. Suites do not rely on what an earlier suite left behind.
 */
export async function nothingConfigured(): Promise<BioSyncTestApi> {
  const a = await api();
  await setSetting('devices', undefined);
  await setSetting('sites', undefined);
  await setSetting('scheduler.enabled', undefined);
  await waitFor('nothing configured', () => a.host.state.kind === 'unconfigured');
  return a;
}

/** What bioSync.trySandbox returns. */
export interface SandboxDemo {
  biotimeUrl: string;
  frappeUrl: string;
  deviceIds: string[];
}

/**
 * A suite's own sandbox: runs bioSync.trySandbox (which replaces any earlier sandbox and its demo entries with a
 * fresh pair and a new device id, so no earlier suite's runs or cursor are in the way) with the scheduler setting at
 * its default, and waits until the demo device's first scheduled run has finished.
 */
export async function freshSandbox(): Promise<{ a: BioSyncTestApi; demo: SandboxDemo; deviceId: string }> {
  const a = await api();
  await setSetting('scheduler.enabled', undefined);
  const demo = (await vscode.commands.executeCommand<SandboxDemo>('bioSync.trySandbox'))!;
  const deviceId = demo.deviceIds[0];
  await waitFor('the demo device in the engine', () =>
    a.host.state.kind === 'ready' && a.host.state.config.devices.some((d) => d.id === deviceId) ? true : undefined,
  );
  await waitFor(
    'the first scheduled run to finish',
    async () => {
      const engine = a.host.requireEngine();
      return (await engine.listRuns(deviceId, 1)).length > 0 && !engine.isRunning(deviceId);
    },
    30_000,
  );
  return { a, demo, deviceId };
}

/** The run rows of the Sync Runs view, grouped by device or flat: groupings (device, quiet stretch) are opened. */
export async function renderRuns(provider: vscode.TreeDataProvider<TreeNode>): Promise<RenderedNode[]> {
  const out: RenderedNode[] = [];
  const walk = async (parent?: TreeNode): Promise<void> => {
    for (const r of await render(provider, parent)) {
      if (r.contextValue.startsWith('bioSync.run')) out.push(r);
      else if (!r.contextValue.startsWith('bioSync.failedPunch')) await walk(r.node);
    }
  };
  await walk();
  return out;
}
