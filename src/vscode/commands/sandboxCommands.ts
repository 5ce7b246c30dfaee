// "Try with the built-in sandbox": starts the simulated BioTime and Frappe HR servers on loopback, stores the demo
// secrets in SecretStorage, and writes a demo device and site into the settings so the first sync runs at once.
// The servers live as long as this window; their entries use ids starting with `sandbox-`.
import * as vscode from 'vscode';
import { loadSandbox } from '../../app/loadSandbox';
import type { DemoSandbox } from '../../app/sandboxDemo';
import { secretKeys } from '../adapters/secretStorageCredentials';
import { replaceEntries } from '../adapters/settings';
import { SANDBOX_PREFIX, sandboxState } from '../sandboxState';
import { registerCommand, type CommandDeps } from './commandSupport';

export { SANDBOX_PREFIX };

interface RawEntry {
  id?: unknown;
  site?: unknown;
  name?: unknown;
  [k: string]: unknown;
}

export function registerSandboxCommands(deps: CommandDeps): void {
  let demo: DemoSandbox | undefined;
  deps.context.subscriptions.push({
    dispose: () => {
      sandboxState.stopped();
      void demo?.close();
    },
  });
  registerCommand(deps, 'bioSync.trySandbox', async () => {
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'BioTime Sync: starting the sandbox servers…' },
      async () => {
        await demo?.close();
        demo = undefined;
        // The simulated servers are a bundle of their own (dist/sandbox.js), loaded on this first use only.
        const { startDemoSandbox } = await loadSandbox();
        return startDemoSandbox();
      },
    );
    demo = started;
    // A fresh sandbox starts its transaction ids from 1 again: a new id keeps the old demo's cursor out of the way.
    const suffix = Date.now().toString(36);
    const raw = (started.config ?? {}) as { sites?: RawEntry[]; devices?: RawEntry[] };
    const siteIds = new Map<unknown, string>();
    const sites = (raw.sites ?? []).map((s, i) => {
      const id = `${SANDBOX_PREFIX}site-${suffix}${i ? `-${i}` : ''}`;
      siteIds.set(s.id, id);
      return { ...s, id };
    });
    const devices = (raw.devices ?? []).map((d, i) => ({
      ...d,
      id: `${SANDBOX_PREFIX}${suffix}${i ? `-${i}` : ''}`,
      name: `${String(d.name ?? 'Demo device')} (sandbox)`,
      site: siteIds.get(d.site) ?? sites[0]?.id,
    }));
    for (const d of devices)
      await deps.secrets.store(secretKeys.biotimePassword(d.id), started.secrets.biotimePassword);
    for (const s of sites) {
      await deps.secrets.store(secretKeys.frappeApiKey(s.id), started.secrets.frappeApiKey);
      await deps.secrets.store(secretKeys.frappeApiSecret(s.id), started.secrets.frappeApiSecret);
    }
    sandboxState.started(devices.map((d) => d.id));
    await replaceEntries((id) => typeof id === 'string' && id.startsWith(SANDBOX_PREFIX), sites, devices);
    deps.logger.info(
      `Sandbox started: BioTime ${started.biotimeUrl}, Frappe ${started.frappeUrl}; demo device(s) ${devices.map((d) => d.id).join(', ')} configured.`,
    );
    await vscode.commands.executeCommand('workbench.view.extension.bioSync');
    void vscode.window.showInformationMessage(
      `Sandbox running: BioTime at ${started.biotimeUrl}, Frappe HR at ${started.frappeUrl}. The demo device syncs now; the servers stop when this window closes.`,
    );
    return { biotimeUrl: started.biotimeUrl, frappeUrl: started.frappeUrl, deviceIds: devices.map((d) => d.id) };
  });
}
