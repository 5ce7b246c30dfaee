import * as assert from 'node:assert';
import type { DeviceStatus, DoctorCheck, RunSummary } from '../../../src/shared/model';
import { CredentialsMissingError, BioTimeError, CancelledError } from '../../../src/core/errors';
import { doctorMarkdown, tally, tallyText, worstCheck } from '../../../src/vscode/commands/doctorReport';
import {
  formatPunchStates,
  parsePunchStates,
  slugify,
  validateInterval,
  validateName,
  validateTimeZone,
  validateUrl,
} from '../../../src/vscode/commands/deviceValidation';
import { actionsFor, adviseOn, UserFacingError } from '../../../src/vscode/errors';
import { barState, barText, failureDecision } from '../../../src/vscode/statusBarState';
import { countsText, duration, relativeTime } from '../../../src/vscode/tree/format';
import { refOf } from '../../../src/vscode/tree/nodeRef';

describe('Add Device validation (per step, as you type)', () => {
  it('validates names, URLs, intervals and time zones with messages that say what to do', () => {
    assert.match(validateName(['Head office'])('head OFFICE')!, /already exists/);
    assert.strictEqual(validateName([])('Warehouse'), undefined);
    assert.match(validateUrl('biotime')!, /http or https URL/);
    assert.match(validateUrl('ftp://x')!, /http/);
    assert.match(validateUrl('http://admin:pw@bt:8081')!, /credentials/);
    assert.match(validateUrl('http://bt:8081/?x=1')!, /base URL/);
    assert.match(validateUrl('http://bt:8081/iclock/')!, /remove the path/i);
    assert.strictEqual(validateUrl('http://10.0.0.5:8081'), undefined);
    assert.match(validateInterval('0')!, /from 1 to 1440/);
    assert.match(validateInterval('2.5')!, /whole number/);
    assert.strictEqual(validateInterval('15'), undefined);
    assert.strictEqual(validateTimeZone(''), undefined);
    assert.strictEqual(validateTimeZone('Asia/Dubai'), undefined);
    assert.match(validateTimeZone('Mars/Base')!, /IANA/);
    assert.match(validateTimeZone('Asia/Riyad')!, /did you mean "Asia\/Riyadh"/);
  });

  it('derives unique ids and parses punch-state mappings', () => {
    assert.strictEqual(slugify('Head Office (HQ)', []), 'head-office-hq');
    assert.strictEqual(slugify('Head office', ['head-office', 'head-office-2']), 'head-office-3');
    assert.strictEqual(slugify('!!!', []), 'device');
    const m = parsePunchStates('0=IN, 1=out; 255=SKIP, other=NONE');
    assert.deepStrictEqual(m, { punchStates: { 0: 'IN', 1: 'OUT', 255: 'SKIP' }, otherPunchStates: 'NONE' });
    assert.strictEqual(formatPunchStates(m as never), '0=IN, 1=OUT, 255=SKIP, other=NONE');
    assert.match((parsePunchStates('0=MAYBE') as { error: string }).error, /not one of/);
    assert.match((parsePunchStates('zero') as { error: string }).error, /state=ACTION/);
  });
});

describe('errors translated at the edge', () => {
  it('maps typed errors to advice and actions, by code', () => {
    assert.deepStrictEqual(adviseOn(new BioTimeError('auth', 'BioTime refused the login.', 'Check the password.')), {
      message: 'BioTime refused the login. Check the password.',
      actions: ['setPassword', 'testConnection', 'showLog'],
    });
    assert.deepStrictEqual(
      adviseOn(new CredentialsMissingError('frappeApiKey', 'Frappe API key for site main', 'Set it.')).actions,
      ['setApiKey', 'showLog'],
    );
    assert.strictEqual(adviseOn(new CancelledError()).silent, true);
    assert.deepStrictEqual(adviseOn(new UserFacingError('No device.', 'addDevice')).actions, ['addDevice', 'showLog']);
    assert.deepStrictEqual(actionsFor('frappe.unreachable'), ['testConnection', 'openSettings', 'showLog']);
    assert.deepStrictEqual(actionsFor('state.locked'), ['showLog']);
  });
});

describe('Test Connection report', () => {
  const checks: DoctorCheck[] = [
    { target: 'device hq', check: 'BioTime login', status: 'ok', detail: 'JWT accepted' },
    { target: 'device hq', check: 'clock', status: 'warn', detail: 'BioTime is 5 min ahead', fix: 'Check the clock' },
    {
      target: 'site main',
      check: 'can write time',
      status: 'fail',
      detail: 'API user lacks HR User | permlevel',
      fix: 'Give the user the HR User role',
    },
  ];
  it('groups by target, one row per check, the fix under failures', () => {
    const md = doctorMarkdown(checks, new Date(0), 'hq');
    assert.match(md, /^# BioTime Sync — Test Connection \(hq\)/);
    assert.match(md, /## device hq[\s\S]*## site main/);
    assert.match(
      md,
      /✖ failed \| can write time \| API user lacks HR User \\\| permlevel<br>\*\*Fix:\*\* Give the user the HR User role \|/,
    );
    assert.strictEqual(tallyText(tally(checks)), '1 ok, 1 warning, 1 failed');
    assert.strictEqual(worstCheck(checks)?.check, 'can write time');
  });
});

describe('tree and status bar text', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it('relative times, durations and counts', () => {
    assert.strictEqual(relativeTime(null, now), 'never');
    assert.strictEqual(relativeTime('2026-03-01T11:59:40Z', now), 'just now');
    assert.strictEqual(relativeTime('2026-03-01T11:55:00Z', now), '5 min ago');
    assert.strictEqual(relativeTime('2026-03-01T12:04:00Z', now), 'in 4 min');
    assert.strictEqual(relativeTime('2026-02-27T12:00:00Z', now), '2 d ago');
    assert.strictEqual(duration(850), '850 ms');
    assert.strictEqual(duration(12_400), '12 s');
    assert.strictEqual(duration(125_000), '2 min 5 s');
    assert.strictEqual(
      countsText({
        fetched: 9,
        created: 5,
        duplicate: 1,
        failed: 2,
        skipped: 1,
        userControlCalls: 0,
        userControlFailed: 0,
      }),
      '5 created · 1 duplicate · 2 failed · 1 skipped',
    );
    assert.strictEqual(
      countsText({
        fetched: 0,
        created: 0,
        duplicate: 0,
        failed: 0,
        skipped: 0,
        userControlCalls: 0,
        userControlFailed: 0,
      }),
      'nothing new',
    );
  });

  it('status bar: idle, running with count, failing devices, settings problems', () => {
    const status = (health: DeviceStatus['health'], lastSyncAt: string | null = null) =>
      ({
        deviceId: 'd',
        name: 'HQ',
        enabled: true,
        health,
        lastSyncAt,
        lastError: { code: 'biotime.unreachable', message: 'BioTime is unreachable' },
      }) as DeviceStatus;
    assert.strictEqual(
      barText(barState('ready', 0, 2, [status('running')], false)).text,
      '$(sync~spin) BioTime: syncing 2',
    );
    const failing = barText(barState('ready', 0, 0, [status('error')], false));
    assert.strictEqual(failing.text, '$(error) BioTime: 1 failing');
    assert.match(failing.tooltip, /BioTime is unreachable/);
    assert.ok(failing.error);
    assert.strictEqual(
      barText(barState('ready', 0, 0, [status('ok', '2026-03-01T11:00:00Z')], true)).text,
      '$(check) BioTime',
    );
    assert.match(barText(barState('invalid', 3, 0, [], false)).tooltip, /3 problem/);
    assert.strictEqual(barState('unconfigured', 0, 0, [], false).kind, 'unconfigured');
  });

  it('one notification per failure streak, only for scheduled syncs, only at the threshold', () => {
    const run = (status: RunSummary['status'], kind: RunSummary['kind'] = 'sync') =>
      ({ kind, status, deviceId: 'd' }) as RunSummary;
    const dev = (n: number) => ({ deviceId: 'd', consecutiveFailures: n }) as DeviceStatus;
    assert.strictEqual(failureDecision(run('failed'), dev(2), 3, false), 'none');
    assert.strictEqual(failureDecision(run('failed'), dev(3), 3, false), 'notify');
    assert.strictEqual(failureDecision(run('failed'), dev(4), 3, true), 'none', 'not again on the next tick');
    assert.strictEqual(failureDecision(run('failed', 'rerun'), dev(9), 3, false), 'none');
    assert.strictEqual(failureDecision(run('completed'), dev(0), 3, true), 'reset');
    assert.strictEqual(failureDecision(run('cancelled'), dev(5), 3, false), 'none');
  });

  it('command arguments: a node, a ref, a device id', () => {
    assert.deepStrictEqual(refOf('hq'), { kind: 'device', deviceId: 'hq' });
    assert.deepStrictEqual(refOf({ ref: { kind: 'run', deviceId: 'hq', runId: 'r1' } }), {
      kind: 'run',
      deviceId: 'hq',
      runId: 'r1',
    });
    assert.deepStrictEqual(refOf({ deviceId: 'hq' }), { kind: 'device', deviceId: 'hq' });
    assert.strictEqual(refOf({ kind: 'run', deviceId: 'hq' }), undefined);
    assert.strictEqual(refOf(42), undefined);
  });
});
