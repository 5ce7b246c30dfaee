// Add, Edit, Remove, Enable and Disable Device. Non-secret answers go to settings; secrets to SecretStorage.
import * as vscode from 'vscode';
import type { DoctorCheck, PunchStateAction, UserControlMode } from '../../shared/model';
import { secretKeys, type SecretKey } from '../adapters/secretStorageCredentials';
import { devicesAreShared, patchDevice, readRawEntries, removeDevice, upsertDevice } from '../adapters/settings';
import { describeError } from '../../core/errors';
import { deviceEntryProblems } from '../../core/fieldValidators';
import { deviceIdOf } from '../tree/nodeRef';
import { askDeviceQuestions, defaultAnswers, DEVICE_SETTINGS, type DeviceAnswers } from './addDeviceWizard';
import { registerCommand, resolveDevice, abortSignalFor, type CommandDeps } from './commandSupport';
import { probeDevice } from './connectionProbe';
import { showDoctorReport } from './doctorCommands';
import { tally, tallyText, worstCheck } from './doctorReport';

export function registerDeviceCommands(deps: CommandDeps): void {
  registerCommand(deps, 'bioSync.addDevice', () => addOrEdit(deps, defaultAnswers()));
  registerCommand(deps, 'bioSync.editDevice', async (arg) => {
    const raw = readRawEntries();
    const device = await resolveDevice(deps, deviceIdOf(arg), 'Device to edit');
    const entry = device && raw.devices.find((d) => d.id === device.id);
    if (!device || !entry) return;
    const answers = answersFromEntry(entry, device.id);
    const only = await pickSetting(answers);
    if (only === undefined) return;
    return addOrEdit(deps, answers, only || undefined);
  });
  registerCommand(deps, 'bioSync.removeDevice', async (arg) => {
    const device = await resolveDevice(deps, deviceIdOf(arg), 'Device to remove');
    if (!device) return;
    const ok = await vscode.window.showWarningMessage(
      `Remove device "${device.name}"?`,
      {
        modal: true,
        detail:
          'It is removed from the settings and its BioTime password is deleted from the keychain. Checkins already created in Frappe stay.',
      },
      'Remove',
    );
    if (ok !== 'Remove') return;
    await deps.secrets.deleteDevice(device.id);
    await removeDevice(device.id);
    deps.logger.info(`Removed device ${device.name} (${device.id}) and its secrets; its runs stay in the history.`);
  });
  registerCommand(deps, 'bioSync.enableDevice', (arg) => setEnabled(deps, arg, true));
  registerCommand(deps, 'bioSync.disableDevice', (arg) => setEnabled(deps, arg, false));
}

async function setEnabled(deps: CommandDeps, arg: unknown, enabled: boolean): Promise<void> {
  const device = await resolveDevice(
    deps,
    deviceIdOf(arg),
    enabled ? 'Device to enable' : 'Device to disable',
    (d) => d.enabled !== enabled,
  );
  if (!device) return;
  await patchDevice(device.id, { enabled });
  deps.logger.info(`${enabled ? 'Enabled' : 'Disabled'} device ${device.name} (${device.id}).`);
}

function answersFromEntry(e: Record<string, unknown>, id: string): DeviceAnswers {
  const a = defaultAnswers();
  const str = (k: string, d = '') => (typeof e[k] === 'string' ? (e[k] as string) : d);
  const uc = (e.userControl ?? {}) as { mode?: UserControlMode; noAccessArea?: string };
  return {
    ...a,
    editing: id,
    id,
    name: str('name', id),
    url: str('url'),
    username: str('username'),
    authScheme: e.authScheme === 'token' ? 'token' : 'jwt',
    siteId: str('site'),
    intervalMinutes: typeof e.intervalMinutes === 'number' ? e.intervalMinutes : a.intervalMinutes,
    timeZone: str('timeZone'),
    punchStates:
      e.punchStates && typeof e.punchStates === 'object'
        ? {
            punchStates: e.punchStates as Record<string, PunchStateAction>,
            otherPunchStates: (e.otherPunchStates as PunchStateAction) ?? 'IN',
          }
        : a.punchStates,
    customStates: false,
    userControlMode: uc.mode ?? 'off',
    noAccessArea: uc.noAccessArea ?? '',
  };
}

/**
 * Edit Device: all steps, or one setting (its current value shown) saved after that step alone. '' = all steps;
 * undefined = dismissed.
 */
async function pickSetting(a: DeviceAnswers): Promise<string | undefined> {
  const items = [
    { label: '$(list-ordered) All steps…', detail: 'Walk through every setting of the device', key: '' },
    ...DEVICE_SETTINGS.map((x) => ({ label: x.label, description: x.value(a), key: x.key })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Edit Device: ${a.name}`,
    placeHolder: 'Change one setting, or walk through all steps',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.key;
}

async function addOrEdit(deps: CommandDeps, answers: DeviceAnswers, only?: string): Promise<void> {
  const raw = readRawEntries();
  const others = raw.devices.filter((d) => d.id !== answers.editing);
  const ctx = {
    takenNames: others.map((d) => String(d.name ?? '')),
    takenIds: others.map((d) => String(d.id ?? '')),
    sites: raw.sites
      .filter((s) => typeof s.id === 'string')
      .map((s) => ({ id: s.id as string, url: String(s.url ?? '') })),
  };
  for (;;) {
    if (!(await askDeviceQuestions(answers, ctx, only))) return;
    const outcome = await testAndSave(deps, answers);
    if (outcome !== 'back') return;
  }
}

function deviceEntry(a: DeviceAnswers): Record<string, unknown> & { id: string } {
  return {
    id: a.id,
    name: a.name,
    url: a.url,
    username: a.username,
    site: a.siteId,
    enabled: true,
    intervalMinutes: a.intervalMinutes,
    ...(a.timeZone ? { timeZone: a.timeZone } : {}),
    authScheme: a.authScheme,
    punchStates: a.punchStates.punchStates,
    otherPunchStates: a.punchStates.otherPunchStates,
    userControl: { mode: a.userControlMode, ...(a.userControlMode === 'area' ? { noAccessArea: a.noAccessArea } : {}) },
  };
}

async function testAndSave(deps: CommandDeps, a: DeviceAnswers): Promise<'saved' | 'back' | 'cancelled'> {
  const device = deviceEntry(a);
  const existing = readRawEntries();
  const site = a.newSite
    ? { id: a.newSite.id, url: a.newSite.url }
    : (existing.sites.find((s) => s.id === a.siteId) ?? { id: a.siteId });
  const overrides = new Map<SecretKey, string>();
  if (a.password) overrides.set(secretKeys.biotimePassword(a.id), a.password);
  if (a.newSite) {
    overrides.set(secretKeys.frappeApiKey(a.newSite.id), a.newSite.apiKey);
    overrides.set(secretKeys.frappeApiSecret(a.newSite.id), a.newSite.apiSecret);
  }
  // An edit keeps everything the wizard does not ask about (TLS, page size, locations…).
  const previous = a.editing ? existing.devices.find((d) => d.id === a.editing) : undefined;
  const merged = {
    ...previous,
    ...device,
    enabled: previous?.enabled ?? true,
    userControl: { ...((previous?.userControl as object) ?? {}), ...(device.userControl as object) },
  };
  // The entry as saved goes through the configuration check the CLI and the tree use: nothing is saved that would
  // then be reported as a problem (the steps check each answer the same way; this covers what they combine into).
  const problems = deviceEntryProblems(merged, site);
  if (problems.length) {
    const back = await vscode.window.showErrorMessage(
      `"${a.name}" cannot be saved: the configuration check would stop it.`,
      { modal: true, detail: problems.map((p) => `${p.key}: ${p.message}`).join('\n') },
      'Go Back and Fix',
    );
    return back ? 'back' : 'cancelled';
  }

  const checks = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Testing the connection of "${a.name}"…`,
      cancellable: true,
    },
    async (_p, token): Promise<DoctorCheck[]> => {
      try {
        return await probeDevice(deps, merged, site, overrides, abortSignalFor(token));
      } catch (e) {
        const err = describeError(e);
        return [
          {
            target: `device ${a.id}`,
            check: 'Connection test',
            status: 'fail',
            detail: err.message,
            ...(err.hint ? { fix: err.hint } : {}),
          },
        ];
      }
    },
  );
  const t = tally(checks);
  if (t.fail) {
    const worst = worstCheck(checks)!;
    const items = [
      {
        label: '$(arrow-left) Go back and fix the answers',
        detail: `${worst.check}: ${worst.detail}${worst.fix ? ` — ${worst.fix}` : ''}`,
        value: 'back' as const,
      },
      {
        label: '$(save) Save anyway',
        detail: 'The device is saved and its syncs will fail until this is fixed',
        value: 'save' as const,
      },
      { label: '$(output) Open the full report', detail: tallyText(t), value: 'report' as const },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: `Connection test failed: ${worst.check}`,
      placeHolder: `${worst.detail}`,
      ignoreFocusOut: true,
    });
    if (!picked) return 'cancelled';
    if (picked.value === 'report') {
      await showDoctorReport(checks, a.name);
      return 'back';
    }
    if (picked.value === 'back') return 'back';
  }
  for (const [key, value] of overrides) await deps.secrets.store(key, value);
  await deps.secrets.delete(secretKeys.biotimeToken(a.id));
  // Added on this machine in a shared workspace: this machine is its runner (others must choose to be).
  if (!a.editing && devicesAreShared()) await deps.host.rememberRunner({ id: a.id, url: a.url }, 'here');
  await upsertDevice(merged, a.newSite ? { id: a.newSite.id, url: a.newSite.url } : undefined);
  deps.logger.info(
    `${a.editing ? 'Updated' : 'Added'} device ${a.id} (${a.url} → site ${a.siteId}); connection test: ${tallyText(t)}.`,
  );
  void vscode.window.showInformationMessage(
    `Device "${a.name}" ${a.editing ? 'updated' : 'added'}. Connection test: ${tallyText(t)}. ${a.editing ? '' : 'Its first sync starts now.'}`.trim(),
  );
  return 'saved';
}
