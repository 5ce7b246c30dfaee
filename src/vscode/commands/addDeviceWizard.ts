// The Add / Edit Device steps. Each step validates as the operator types; Back returns to the previous answer.
import type * as vscode from 'vscode';
import type { UserControlMode } from '../../shared/model';
import { runSteps, type StepUi } from './multiStepInput';
import {
  formatPunchStates,
  normalizeUrl,
  parsePunchStates,
  slugify,
  validateInterval,
  validateName,
  validateRequired,
  validateSiteId,
  validateTimeZone,
  validateUrl,
  urlFix,
  type PunchStateMapping,
} from './deviceValidation';

export interface NewSiteAnswers {
  id: string;
  /** The operator typed a name of their own (it is no longer re-suggested from the URL). */
  named?: boolean;
  url: string;
  apiKey: string;
  apiSecret: string;
}

export interface DeviceAnswers {
  /** Id of the device being edited; undefined when adding. */
  editing?: string;
  id: string;
  name: string;
  url: string;
  username: string;
  /** Empty when editing = keep the saved password. */
  password: string;
  authScheme: 'jwt' | 'token';
  siteId: string;
  newSite?: NewSiteAnswers;
  intervalMinutes: number;
  timeZone: string;
  punchStates: PunchStateMapping;
  customStates: boolean;
  userControlMode: UserControlMode;
  noAccessArea: string;
}

export interface WizardContext {
  takenNames: string[];
  takenIds: string[];
  sites: { id: string; url: string }[];
}

const PRESETS: { label: string; detail: string; mapping: PunchStateMapping }[] = [
  {
    label: 'Check-in / check-out',
    detail: '0=IN, 1=OUT, every other state → IN (the BioTime default)',
    mapping: { punchStates: { 0: 'IN', 1: 'OUT' }, otherPunchStates: 'IN' },
  },
  {
    label: 'With breaks and overtime',
    detail: '0=IN, 1=OUT, 2=OUT (break out), 3=IN (break in), 4=IN, 5=OUT (overtime), others → no log type',
    mapping: { punchStates: { 0: 'IN', 1: 'OUT', 2: 'OUT', 3: 'IN', 4: 'IN', 5: 'OUT' }, otherPunchStates: 'NONE' },
  },
  {
    label: 'Let the Shift Type decide',
    detail: 'Every state → no log type (Shift Type "Alternating entries as IN and OUT")',
    mapping: { punchStates: {}, otherPunchStates: 'NONE' },
  },
];

const USER_CONTROL: { mode: UserControlMode; label: string; detail: string }[] = [
  { mode: 'off', label: 'Off', detail: 'Only create checkins; never enable or disable anyone' },
  {
    mode: 'area',
    label: 'BioTime area',
    detail: 'OUT moves the employee to an area without terminals; IN moves them back',
  },
  {
    mode: 'resign',
    label: 'BioTime resignation',
    detail: 'OUT resigns the employee on the devices; IN reinstates them',
  },
  { mode: 'frappe-user', label: 'Frappe user', detail: "OUT disables the employee's Frappe User; IN enables it" },
];

/** `https://hr.example.com` → `hr`; an IP address or localhost → `frappe`. */
function siteIdFor(url: string, taken: string[]): string {
  const host = new URL(url).hostname;
  const first = /^[\d.]+$|^\[|^localhost$/.test(host) ? 'frappe' : host.split('.')[0];
  return slugify(first, taken);
}

export function defaultAnswers(): DeviceAnswers {
  return {
    id: '',
    name: '',
    url: '',
    username: '',
    password: '',
    authScheme: 'jwt',
    siteId: '',
    intervalMinutes: 5,
    timeZone: '',
    punchStates: PRESETS[0].mapping,
    customStates: false,
    userControlMode: 'off',
    noAccessArea: '',
  };
}

type Item<T> = vscode.QuickPickItem & { value: T };

/** The settings Edit Device can change alone, and the steps (indexes below) that ask each. */
export const DEVICE_SETTINGS: { key: string; label: string; steps: number[]; value(a: DeviceAnswers): string }[] = [
  { key: 'name', label: 'Name', steps: [0], value: (a) => a.name },
  { key: 'url', label: 'BioTime URL', steps: [1], value: (a) => a.url },
  { key: 'username', label: 'BioTime user name', steps: [2], value: (a) => a.username },
  { key: 'password', label: 'BioTime password', steps: [3], value: () => 'kept in the OS keychain' },
  { key: 'authScheme', label: 'Login scheme', steps: [4], value: (a) => (a.authScheme === 'jwt' ? 'JWT' : 'Token') },
  { key: 'site', label: 'Frappe site', steps: [5, 6, 7, 8, 9], value: (a) => a.siteId },
  { key: 'intervalMinutes', label: 'Minutes between syncs', steps: [10], value: (a) => String(a.intervalMinutes) },
  { key: 'timeZone', label: 'Time zone', steps: [11], value: (a) => a.timeZone || "the Frappe site's zone" },
  { key: 'punchStates', label: 'Punch states', steps: [12, 13], value: (a) => formatPunchStates(a.punchStates) },
  {
    key: 'userControl',
    label: 'User control',
    steps: [14, 15],
    value: (a) => `${a.userControlMode}${a.userControlMode === 'area' ? ` (area ${a.noAccessArea})` : ''}`,
  },
];

/**
 * Runs the questions; false when the operator dismissed them. `a` is filled in place. `only` (Edit Device's "change
 * one setting") asks just the steps of that setting; the answers then go through the same checks as a full walk.
 */
export function askDeviceQuestions(a: DeviceAnswers, ctx: WizardContext, only?: string): Promise<boolean> {
  const onlySteps = only ? DEVICE_SETTINGS.find((x) => x.key === only)?.steps : undefined;
  const title = a.editing ? `Edit Device: ${a.name}` : 'Add BioTime Device';
  const total = 10;
  const NEW_SITE = '\u0000new';
  const steps: ((s: DeviceAnswers, ui: StepUi) => Promise<void>)[] = [
    async (s, ui) => {
      s.name = (
        await ui.input({
          title,
          step: 1,
          totalSteps: total,
          value: s.name,
          prompt: 'Name of the device (the BioTime server), e.g. "Head office"',
          validate: validateName(ctx.takenNames),
        })
      ).trim();
      if (!s.editing) s.id = slugify(s.name, ctx.takenIds);
    },
    async (s, ui) => {
      s.url = normalizeUrl(
        await ui.input({
          title,
          step: 2,
          totalSteps: total,
          value: s.url,
          prompt: 'BioTime URL',
          placeholder: 'http://biotime.example.com:8081',
          validate: (v) => validateUrl(v, 'device'),
          fix: (v) => urlFix(v, 'device'),
        }),
      );
    },
    async (s, ui) => {
      s.username = (
        await ui.input({
          title,
          step: 3,
          totalSteps: total,
          value: s.username,
          prompt: 'BioTime user name (an API user)',
          validate: validateRequired('BioTime user name'),
        })
      ).trim();
    },
    async (s, ui) => {
      const keep = !!s.editing;
      s.password = await ui.input({
        title,
        step: 4,
        totalSteps: total,
        password: true,
        prompt: keep
          ? 'BioTime password (leave empty to keep the saved one). Kept in the OS keychain.'
          : 'BioTime password. It is kept in the OS keychain, never in settings.',
        validate: keep ? undefined : validateRequired('BioTime password'),
      });
    },
    async (s, ui) => {
      const items: Item<'jwt' | 'token'>[] = [
        { label: 'JWT', description: '/jwt-api-token-auth/', detail: 'BioTime 8 and later (default)', value: 'jwt' },
        {
          label: 'Token',
          description: '/api-token-auth/',
          detail: 'Older BioTime, or when JWT is turned off',
          value: 'token',
        },
      ];
      s.authScheme = (
        await ui.pick({
          title,
          step: 5,
          totalSteps: total,
          items,
          active: items.find((i) => i.value === s.authScheme),
          placeholder: 'How to log in to BioTime',
        })
      ).value;
    },
    async (s, ui) => {
      const items: Item<string>[] = [
        ...ctx.sites.map((x) => ({ label: x.id, description: x.url, value: x.id })),
        { label: '$(add) New Frappe site…', detail: 'URL, name, API key and API secret', value: NEW_SITE },
      ];
      const picked = (
        await ui.pick({
          title,
          step: 6,
          totalSteps: total,
          items,
          active: items.find((i) => i.value === s.siteId),
          placeholder: 'Frappe HR site that receives the checkins',
        })
      ).value;
      if (picked === NEW_SITE) s.newSite ??= { id: '', url: '', apiKey: '', apiSecret: '' };
      else {
        s.newSite = undefined;
        s.siteId = picked;
      }
    },
    async (s, ui) => {
      const site = s.newSite!;
      site.url = normalizeUrl(
        await ui.input({
          title,
          step: 6,
          totalSteps: total,
          value: site.url,
          prompt: 'Frappe site URL',
          placeholder: 'https://hr.example.com',
          validate: (v) => validateUrl(v, 'site'),
          fix: (v) => urlFix(v, 'site'),
        }),
      );
      // The name is suggested from the URL until the operator types one of their own.
      if (!site.named)
        site.id = siteIdFor(
          site.url,
          ctx.sites.map((x) => x.id),
        );
    },
    async (s, ui) => {
      const site = s.newSite!;
      const suggested = siteIdFor(
        site.url,
        ctx.sites.map((x) => x.id),
      );
      site.id = (
        await ui.input({
          title,
          step: 6,
          totalSteps: total,
          value: site.id || suggested,
          prompt: `Name of this Frappe site (its id in the settings and the tree; suggested: ${suggested})`,
          validate: validateSiteId(ctx.sites.map((x) => x.id)),
        })
      ).trim();
      site.named = site.id !== suggested;
      s.siteId = site.id;
    },
    async (s, ui) => {
      s.newSite!.apiKey = (
        await ui.input({
          title,
          step: 6,
          totalSteps: total,
          value: s.newSite!.apiKey,
          password: true,
          prompt: 'Frappe API key of the sync user (kept in the OS keychain)',
          validate: validateRequired('API key'),
        })
      ).trim();
    },
    async (s, ui) => {
      s.newSite!.apiSecret = (
        await ui.input({
          title,
          step: 6,
          totalSteps: total,
          password: true,
          prompt: 'Frappe API secret (kept in the OS keychain)',
          validate: validateRequired('API secret'),
        })
      ).trim();
    },
    async (s, ui) => {
      s.intervalMinutes = Number(
        await ui.input({
          title,
          step: 7,
          totalSteps: total,
          value: String(s.intervalMinutes),
          prompt: 'Minutes between syncs (at least 1)',
          validate: validateInterval,
        }),
      );
    },
    async (s, ui) => {
      s.timeZone = (
        await ui.input({
          title,
          step: 8,
          totalSteps: total,
          value: s.timeZone,
          prompt: "BioTime's time zone (IANA, e.g. Asia/Dubai). Leave empty when it is the Frappe site's zone.",
          validate: validateTimeZone,
        })
      ).trim();
    },
    async (s, ui) => {
      const current = formatPunchStates(s.punchStates);
      const items: Item<PunchStateMapping | undefined>[] = [
        ...PRESETS.map((p) => ({ label: p.label, detail: p.detail, value: p.mapping })),
        { label: 'Custom…', detail: s.customStates ? current : 'Type state=ACTION pairs', value: undefined },
      ];
      const active = s.customStates
        ? items[items.length - 1]
        : items.find((i) => i.value && formatPunchStates(i.value) === current);
      const picked = await ui.pick({
        title,
        step: 9,
        totalSteps: total,
        items,
        active,
        placeholder: 'BioTime punch state → Employee Checkin log type',
      });
      s.customStates = !picked.value;
      if (picked.value) s.punchStates = picked.value;
    },
    async (s, ui) => {
      const text = await ui.input({
        title,
        step: 9,
        totalSteps: total,
        value: formatPunchStates(s.punchStates),
        prompt:
          'state=ACTION pairs; ACTION is IN, OUT, NONE (no log type) or SKIP (no checkin); "other" covers the rest',
        validate: (v) => {
          const r = parsePunchStates(v);
          return 'error' in r ? r.error : undefined;
        },
      });
      s.punchStates = parsePunchStates(text) as PunchStateMapping;
    },
    async (s, ui) => {
      const items: Item<UserControlMode>[] = USER_CONTROL.map((u) => ({
        label: u.label,
        detail: u.detail,
        value: u.mode,
      }));
      s.userControlMode = (
        await ui.pick({
          title,
          step: 10,
          totalSteps: total,
          items,
          active: items.find((i) => i.value === s.userControlMode),
          placeholder: 'After a checkin, enable or disable the employee on the devices?',
        })
      ).value;
    },
    async (s, ui) => {
      s.noAccessArea = (
        await ui.input({
          title,
          step: 10,
          totalSteps: total,
          value: s.noAccessArea,
          prompt: 'Code of the BioTime area without terminals (where disabled employees are moved)',
          validate: validateRequired('area code'),
        })
      ).trim();
    },
  ];
  const NEW_SITE_STEPS = [6, 7, 8, 9];
  return runSteps(
    a,
    steps,
    (i, s) =>
      (onlySteps !== undefined && !onlySteps.includes(i)) ||
      (NEW_SITE_STEPS.includes(i) && !s.newSite) ||
      (i === 13 && !s.customStates) ||
      (i === 15 && s.userControlMode !== 'area'),
  );
}
