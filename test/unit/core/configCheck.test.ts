// Issue 12 E4/E11: one bad device entry stops that device only, problems are named by device and key, and URLs
// with a path are refused up front with the base URL to use.
import * as assert from 'node:assert/strict';
import { checkConfig, checkConfigText, formatConfigProblem } from '../../../src/core/configCheck';
import { baseUrlProblem, parsePunchStateText, timeZoneProblem } from '../../../src/core/fieldValidators';

type Json = Record<string, unknown>;
const site = (over: Json = {}): Json => ({ id: 'acme', url: 'http://127.0.0.1:8000', timeZone: 'Asia/Dubai', ...over });
const device = (id: string, over: Json = {}): Json => ({
  id,
  url: 'http://127.0.0.1:8081',
  username: 'api',
  site: 'acme',
  ...over,
});

describe('configCheck: per-device problems', () => {
  it('a bad time zone and an unknown key stop only that device, named by name and key, with suggestions', () => {
    const r = checkConfig({
      sites: [site()],
      devices: [device('hq'), device('riyadh', { name: 'Riyadh office', timeZone: 'Asia/Riyad', intervall: 5 })],
    });
    assert.deepEqual(
      r.devices.map((d) => d.id),
      ['hq'],
    );
    assert.deepEqual(r.stopped, ['riyadh']);
    const tz = r.problems.find((p) => p.key === 'timeZone')!;
    assert.equal(tz.deviceId, 'riyadh');
    assert.equal(tz.deviceName, 'Riyadh office');
    assert.equal(tz.siteId, 'acme');
    assert.equal(tz.path, 'devices[1].timeZone');
    assert.equal(tz.scope, 'device');
    assert.match(tz.message, /did you mean "Asia\/Riyadh"/);
    const typo = r.problems.find((p) => p.key === 'intervall')!;
    assert.match(typo.message, /did you mean 'intervalMinutes'/);
    assert.equal(
      formatConfigProblem(typo).startsWith('device "Riyadh office" (riyadh) · intervall: unknown key'),
      true,
      formatConfigProblem(typo),
    );
    assert.ok(!formatConfigProblem(tz).includes('devices[1]'), 'named by device, not by index');
  });

  it('a site problem stops the devices of that site only', () => {
    const r = checkConfig({
      sites: [site(), site({ id: 'beta', url: 'ftp://x' })],
      devices: [device('hq'), device('b1', { site: 'beta' }), device('b2', { site: 'beta' })],
    });
    assert.deepEqual(
      r.devices.map((d) => d.id),
      ['hq'],
    );
    assert.deepEqual(r.stopped, ['b1', 'b2']);
    const p = r.problems.find((x) => x.siteId === 'beta')!;
    assert.equal(p.scope, 'site');
    assert.deepEqual(p.stops, ['b1', 'b2']);
    assert.match(formatConfigProblem(p), /^site "beta" · url: .*\(stops "b1", "b2"\)/);
  });

  it('a Shift Type fed by a stopped device is held, not moved on the other devices alone', () => {
    const r = checkConfig({
      sites: [site({ shiftTypes: [{ shiftType: 'Day' }] })],
      devices: [device('hq'), device('bad', { intervalMinutes: 0 })],
    });
    assert.deepEqual(
      r.devices.map((d) => d.id),
      ['hq'],
    );
    assert.deepEqual(r.config.sites[0].shiftTypes, []);
    const held = r.problems.find((p) => p.scope === 'shiftTypes')!;
    assert.match(held.message, /"Day" is not moved while "bad" cannot run/);
  });

  it('duplicate device ids stop both entries', () => {
    const r = checkConfig({ sites: [site()], devices: [device('hq'), device('HQ'), device('ok')] });
    assert.deepEqual(
      r.devices.map((d) => d.id),
      ['ok'],
    );
    assert.deepEqual(r.stopped, ['hq', 'HQ']);
  });

  it('a file that is not JSON stops everything; a valid file has no problems', () => {
    const bad = checkConfigText('{ "sites": [', '/tmp/x.json');
    assert.equal(bad.devices.length, 0);
    assert.equal(bad.problems[0].scope, 'all');
    const ok = checkConfigText(JSON.stringify({ sites: [site()], devices: [device('hq')] }), '/tmp/x.json');
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.devices[0].name, 'hq');
  });
});

describe('configCheck: URLs with a path (E11)', () => {
  it('a BioTime API address or a Frappe page is refused with the base URL to use', () => {
    const r = checkConfig({
      sites: [site({ url: 'https://hr.example.com/app/home' })],
      devices: [device('hq', { url: 'http://10.0.0.5:42315/iclock/api/transactions/' })],
    });
    const siteUrl = r.problems.find((p) => p.list === 'sites' && p.key === 'url')!;
    assert.match(siteUrl.message, /remove the path "\/app\/home".*"https:\/\/hr\.example\.com"/);
    const devUrl = r.problems.find((p) => p.list === 'devices' && p.key === 'url')!;
    assert.match(devUrl.message, /remove the path "\/iclock\/api\/transactions\/".*"http:\/\/10\.0\.0\.5:42315"/);
    assert.deepEqual(
      baseUrlProblem('http://10.0.0.5:42315/iclock/api/transactions/', 'device')?.suggestion,
      'http://10.0.0.5:42315',
    );
    assert.equal(baseUrlProblem('http://10.0.0.5:42315/', 'device'), undefined, 'a trailing slash is fine');
  });
});

describe('fieldValidators (wizard)', () => {
  it('time zones get a "did you mean"', () => {
    assert.match(timeZoneProblem('Asia/Riyad') ?? '', /did you mean "Asia\/Riyadh"/);
    assert.equal(timeZoneProblem('Asia/Riyadh'), undefined);
  });
  it('custom punch states refuse non-numeric and repeated states', () => {
    assert.match((parsePunchStateText('x=IN') as { error: string }).error, /not a BioTime punch state/);
    assert.match((parsePunchStateText('0=IN, 0=OUT') as { error: string }).error, /State 0 is given twice/);
    assert.match(
      (parsePunchStateText('0=IN, other=NONE, other=IN') as { error: string }).error,
      /"other" is given twice/,
    );
    assert.deepEqual(parsePunchStateText('0=in, 1=OUT, 255=skip, other=NONE'), {
      punchStates: { '0': 'IN', '1': 'OUT', '255': 'SKIP' },
      otherPunchStates: 'NONE',
    });
  });
});
