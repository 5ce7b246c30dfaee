import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONFIG_DESCRIPTIONS,
  DEFAULTS,
  configJsonSchema,
  parseConfigText,
  validateConfig,
} from '../../../src/core/config';
import { CONFIG_LIMITS } from '../../../src/core/configSchema';
import type { SyncConfig } from '../../../src/core/configTypes';
import { ConfigError, type ConfigIssue } from '../../../src/core/errors';

const FIXTURES = path.resolve(__dirname, '../../fixtures/config');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

type Json = Record<string, unknown>;
const site = (over: Json = {}): Json => ({ id: 'acme', url: 'http://127.0.0.1:8000', timeZone: 'Asia/Dubai', ...over });
const device = (over: Json = {}): Json => ({
  id: 'hq',
  url: 'http://127.0.0.1:8081',
  username: 'api',
  site: 'acme',
  ...over,
});
const config = (over: Json = {}): Json => ({ sites: [site()], devices: [device()], ...over });
const withDevice = (over: Json): Json => config({ devices: [device(over)] });
const withSite = (over: Json): Json => config({ sites: [site(over)] });

function issuesOf(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (e) {
    if (ConfigError.is(e)) return e.issues;
    throw e;
  }
  return assert.fail('expected a ConfigError');
}

function assertIssue(issues: ConfigIssue[], key: string, message: RegExp): void {
  const found = issues.some((i) => i.key === key && message.test(i.message));
  assert.ok(found, `no issue ${key} ~ ${message}; got:\n${issues.map((i) => `  ${i.key}: ${i.message}`).join('\n')}`);
}

describe('config: validateConfig', () => {
  it('accepts the example of the engine issue and fills every default', () => {
    const result = parseConfigText(fixture('issue-example.json'), path.join(FIXTURES, 'issue-example.json'));
    const expected: SyncConfig = {
      sites: [
        {
          id: 'acme',
          url: 'http://127.0.0.1:8000',
          timeZone: 'Asia/Dubai',
          tls: { verify: true },
          timeoutSeconds: 30,
          shiftTypes: [],
          shiftSyncMarginMinutes: 5,
          writeMode: 'polite',
        },
      ],
      devices: [
        {
          id: 'hq',
          name: 'Head office',
          url: 'http://127.0.0.1:8081',
          username: 'api',
          site: 'acme',
          enabled: true,
          intervalMinutes: 5,
          timeZone: 'Asia/Dubai',
          authScheme: 'jwt',
          punchStates: { '0': 'IN', '1': 'OUT' },
          otherPunchStates: 'IN',
          onSiteChange: 'keepCursor',
          userControl: { mode: 'off', onIn: 'enable', onOut: 'disable', exempt: [] },
          pageSize: 200,
          tls: { verify: true },
          timeoutSeconds: 30,
          offlineAfterMinutes: 60,
          terminalLocations: {},
        },
      ],
      historyDays: 400,
    };
    assert.deepStrictEqual(result, expected);
  });

  it('applies every default to a minimal config', () => {
    const result = validateConfig({
      sites: [{ id: 'acme', url: 'http://127.0.0.1:8000' }],
      devices: [{ id: 'hq', url: 'http://127.0.0.1:8081', username: 'api', site: 'acme' }],
    });
    const [s] = result.sites;
    const [d] = result.devices;
    assert.deepStrictEqual(s, { id: 'acme', url: 'http://127.0.0.1:8000', ...DEFAULTS.site });
    assert.deepStrictEqual(d, {
      id: 'hq',
      name: 'hq',
      url: 'http://127.0.0.1:8081',
      username: 'api',
      site: 'acme',
      ...DEFAULTS.device,
    });
    assert.equal(result.sites[0].timeZone, undefined, 'site zone is read from the site when omitted');
    assert.equal(result.devices[0].timeZone, undefined, "device zone defaults to the site's at run time");
    assert.deepStrictEqual(validateConfig({}), { sites: [], devices: [], historyDays: 400 });
  });

  it('keeps every configured value and normalises URLs, importSince, caFile and punchStates', () => {
    const result = parseConfigText(fixture('full.json'), path.join(FIXTURES, 'full.json'));
    const [s] = result.sites;
    const [d] = result.devices;
    assert.equal(s.url, 'https://hr.acme.example', 'trailing slash stripped');
    assert.equal(d.url, 'https://biotime.acme.example:8081');
    assert.equal(s.tls.caFile, path.join(FIXTURES, 'ca.pem'), 'relative to the config file, made absolute');
    assert.deepStrictEqual(s.shiftTypes, [{ shiftType: 'Day Shift', devices: ['hq'] }, { shiftType: 'Night Shift' }]);
    assert.equal(s.shiftSyncMarginMinutes, 10);
    assert.equal(d.importSince, '2024-01-01 00:00:00');
    assert.deepStrictEqual(d.punchStates, { '0': 'IN', '1': 'OUT', '2': 'OUT', '5': 'OUT', '255': 'SKIP' });
    assert.deepStrictEqual(d.userControl, {
      mode: 'area',
      noAccessArea: '99',
      onIn: 'enable',
      onOut: 'disable',
      exempt: ['0007', '1001'],
    });
    assert.deepStrictEqual(d.terminalLocations, { CKJ1234567: { latitude: 25.2048, longitude: 55.2708 } });
    assert.deepStrictEqual(d.tls, { verify: false });
    assert.equal(d.authScheme, 'token');
    assert.equal(d.otherPunchStates, 'NONE');
    assert.ok(!('$schema' in result), '$schema is accepted but not part of the result');
  });

  it('lets punchStates override the default 0/1 mapping', () => {
    const d = validateConfig(withDevice({ punchStates: { '1': 'SKIP' } })).devices[0];
    assert.deepStrictEqual(d.punchStates, { '0': 'IN', '1': 'SKIP' });
  });

  it('returns a deep-frozen result, and validating it again gives the same result', () => {
    const result = parseConfigText(fixture('full.json'), path.join(FIXTURES, 'full.json'));
    assert.ok(Object.isFrozen(result.devices[0].userControl.exempt));
    assert.throws(() => {
      (result.devices[0] as { intervalMinutes: number }).intervalMinutes = 1;
    }, TypeError);
    assert.deepStrictEqual(validateConfig(result), result);
  });

  it('accepts every punch state action and the boundary values of every number', () => {
    const d = validateConfig(
      withDevice({
        punchStates: { '2': 'IN', '3': 'OUT', '4': 'NONE', '5': 'SKIP', '255': 'IN', I: 'IN', O: 'OUT' },
        intervalMinutes: 1440,
        pageSize: 10,
        timeoutSeconds: 600,
        offlineAfterMinutes: 100000,
        location: { latitude: -90, longitude: 180 },
        importSince: '2024-02-29 23:59:59',
      }),
    ).devices[0];
    assert.equal(d.intervalMinutes, 1440);
    assert.equal(d.importSince, '2024-02-29 23:59:59');
    assert.equal(validateConfig(withSite({ shiftSyncMarginMinutes: 0 })).sites[0].shiftSyncMarginMinutes, 0);
    const night = validateConfig(withSite({ writeMode: 'polite', fastWriteHours: '22:00-06:00' })).sites[0];
    assert.equal(night.fastWriteHours, '22:00-06:00');
    assert.equal(validateConfig(withSite({ writeMode: 'fast' })).sites[0].writeMode, 'fast');
  });

  const id65 = 'a'.repeat(65);
  const cases: { title: string; raw: unknown; key: string; message: RegExp }[] = [
    // wrong types
    {
      title: 'interval as a string',
      raw: withDevice({ intervalMinutes: '5' }),
      key: 'devices[0].intervalMinutes',
      message: /^expected an integer from 1 to 1440, got "5"$/,
    },
    {
      title: 'fractional interval',
      raw: withDevice({ intervalMinutes: 2.5 }),
      key: 'devices[0].intervalMinutes',
      message: /got 2\.5/,
    },
    {
      title: 'enabled as a string',
      raw: withDevice({ enabled: 'true' }),
      key: 'devices[0].enabled',
      message: /expected true or false, got "true"/,
    },
    {
      title: 'sites as an object',
      raw: config({ sites: { acme: site() } }),
      key: 'sites',
      message: /expected an array, got an object/,
    },
    {
      title: 'device as an array',
      raw: config({ devices: [[device()]] }),
      key: 'devices[0]',
      message: /expected an object, got an array/,
    },
    {
      title: 'null where an object is expected',
      raw: withDevice({ userControl: null }),
      key: 'devices[0].userControl',
      message: /expected an object, got null/,
    },
    {
      title: 'null device',
      raw: config({ devices: [null] }),
      key: 'devices[0]',
      message: /expected an object, got null/,
    },
    {
      title: 'username as a number',
      raw: withDevice({ username: 42 }),
      key: 'devices[0].username',
      message: /expected a non-empty string, got 42/,
    },
    { title: 'empty username', raw: withDevice({ username: '  ' }), key: 'devices[0].username', message: /non-empty/ },
    {
      title: 'tls.verify as a string',
      raw: withSite({ tls: { verify: 'no' } }),
      key: 'sites[0].tls.verify',
      message: /true or false/,
    },
    {
      title: 'exempt code as a number',
      raw: withDevice({ userControl: { mode: 'frappe-user', exempt: ['0001', 7] } }),
      key: 'devices[0].userControl.exempt[1]',
      message: /^write employee codes as strings to keep leading zeros$/,
    },
    {
      title: 'exempt as a string',
      raw: withDevice({ userControl: { exempt: '0001' } }),
      key: 'devices[0].userControl.exempt',
      message: /expected an array/,
    },
    // missing required keys
    {
      title: 'site without url',
      raw: config({ sites: [{ id: 'acme' }] }),
      key: 'sites[0].url',
      message: /missing required key; expected an http or https URL/,
    },
    {
      title: 'site without id',
      raw: config({ sites: [{ url: 'http://x' }], devices: [] }),
      key: 'sites[0].id',
      message: /missing required key/,
    },
    {
      title: 'device without username',
      raw: config({ devices: [{ id: 'hq', url: 'http://x', site: 'acme' }] }),
      key: 'devices[0].username',
      message: /missing required key/,
    },
    {
      title: 'device without site',
      raw: config({ devices: [{ id: 'hq', url: 'http://x', username: 'a' }] }),
      key: 'devices[0].site',
      message: /missing required key/,
    },
    {
      title: 'geo point without longitude',
      raw: withDevice({ location: { latitude: 1 } }),
      key: 'devices[0].location.longitude',
      message: /missing required key/,
    },
    // unknown keys
    {
      title: 'typo with suggestion',
      raw: withDevice({ intervalMinute: 5 }),
      key: 'devices[0].intervalMinute',
      message: /^unknown key; did you mean 'intervalMinutes'\?$/,
    },
    {
      title: 'wrong case with suggestion',
      raw: withDevice({ pagesize: 100 }),
      key: 'devices[0].pagesize',
      message: /did you mean 'pageSize'/,
    },
    { title: 'top-level typo', raw: { sites: [site()], device: [] }, key: 'device', message: /did you mean 'devices'/ },
    {
      title: 'nested typo',
      raw: withDevice({ userControl: { mdoe: 'off' } }),
      key: 'devices[0].userControl.mdoe',
      message: /did you mean 'mode'/,
    },
    {
      title: 'unknown key without close match',
      raw: withSite({ colour: 'red' }),
      key: 'sites[0].colour',
      message: /^unknown key; expected one of id, url, timeZone/,
    },
    {
      title: 'key that is not an identifier',
      raw: withDevice({ 'my key': 1 }),
      key: 'devices[0]["my key"]',
      message: /unknown key/,
    },
    {
      title: 'password in the config',
      raw: withDevice({ password: 'hunter2' }),
      key: 'devices[0].password',
      message: /secrets are not allowed.*BIOTIME_PASSWORD_<DEVICE>/,
    },
    {
      title: 'api secret in the config',
      raw: withSite({ apiSecret: 'x' }),
      key: 'sites[0].apiSecret',
      message: /FRAPPE_API_SECRET_<SITE>/,
    },
    // huge and odd values
    {
      title: 'huge interval',
      raw: withDevice({ intervalMinutes: 1e308 }),
      key: 'devices[0].intervalMinutes',
      message: /got 1e\+308/,
    },
    {
      title: 'NaN',
      raw: withDevice({ pageSize: NaN }),
      key: 'devices[0].pageSize',
      message: /from 10 to 1000, got NaN/,
    },
    {
      title: 'Infinity',
      raw: withDevice({ timeoutSeconds: Infinity }),
      key: 'devices[0].timeoutSeconds',
      message: /from 5 to 600, got Infinity/,
    },
    {
      title: 'negative interval',
      raw: withDevice({ intervalMinutes: -1 }),
      key: 'devices[0].intervalMinutes',
      message: /got -1/,
    },
    {
      title: 'zero interval',
      raw: withDevice({ intervalMinutes: 0 }),
      key: 'devices[0].intervalMinutes',
      message: /got 0/,
    },
    {
      title: 'page size too small',
      raw: withDevice({ pageSize: 9 }),
      key: 'devices[0].pageSize',
      message: /from 10 to 1000/,
    },
    {
      title: 'offline too large',
      raw: withDevice({ offlineAfterMinutes: 100001 }),
      key: 'devices[0].offlineAfterMinutes',
      message: /from 5 to 100000/,
    },
    {
      title: 'margin negative',
      raw: withSite({ shiftSyncMarginMinutes: -5 }),
      key: 'sites[0].shiftSyncMarginMinutes',
      message: /from 0 to 1440/,
    },
    {
      title: 'latitude out of range',
      raw: withDevice({ terminalLocations: { SN1: { latitude: 91, longitude: 0 } } }),
      key: 'devices[0].terminalLocations["SN1"].latitude',
      message: /from -90 to 90, got 91/,
    },
    {
      title: 'longitude as a string',
      raw: withDevice({ location: { latitude: 0, longitude: '55' } }),
      key: 'devices[0].location.longitude',
      message: /got "55"/,
    },
    {
      title: 'very long string',
      raw: withDevice({ username: 'u'.repeat(5000) }),
      key: 'devices[0].username',
      message: /at most 2048 characters, got 5000/,
    },
    {
      title: 'too many devices',
      raw: config({ devices: Array.from({ length: 1001 }, (_, i) => device({ id: `d${i}` })) }),
      key: 'devices',
      message: /at most 1000 items, got 1001/,
    },
    {
      title: 'too many punch states',
      raw: withDevice({ punchStates: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [String(i), 'IN'])) }),
      key: 'devices[0].punchStates',
      message: /at most 1000 entries/,
    },
    // ids
    {
      title: 'id with a space',
      raw: withDevice({ id: 'head office' }),
      key: 'devices[0].id',
      message: /expected an id of 1 to 64 letters/,
    },
    { title: 'id too long', raw: withSite({ id: id65 }), key: 'sites[0].id', message: /expected an id/ },
    {
      title: 'id starting with a dash',
      raw: withDevice({ id: '-hq' }),
      key: 'devices[0].id',
      message: /starting with a letter or digit/,
    },
    {
      title: 'duplicate device ids',
      raw: config({ devices: [device(), device({ url: 'http://127.0.0.1:8082' })] }),
      key: 'devices[1].id',
      message: /duplicate id "hq" \(devices\[0\] has it/,
    },
    {
      title: 'duplicate site ids ignoring case',
      raw: config({ sites: [site(), site({ id: 'ACME' })] }),
      key: 'sites[1].id',
      message: /duplicate id "ACME"/,
    },
    {
      title: 'unknown site',
      raw: withDevice({ site: 'acm' }),
      key: 'devices[0].site',
      message: /no site with id "acm" \(configured sites: "acme"\); did you mean "acme"\?/,
    },
    {
      title: 'unknown site with no sites',
      raw: config({ sites: [] }),
      key: 'devices[0].site',
      message: /"sites" is empty/,
    },
    // URLs
    {
      title: 'ftp URL',
      raw: withDevice({ url: 'ftp://biotime.example' }),
      key: 'devices[0].url',
      message: /only http and https URLs are accepted, got scheme "ftp:"/,
    },
    {
      title: 'file URL',
      raw: withSite({ url: 'file:///etc/passwd' }),
      key: 'sites[0].url',
      message: /only http and https/,
    },
    {
      title: 'credentials in a device URL',
      raw: withDevice({ url: 'http://admin:hunter2@127.0.0.1:8081' }),
      key: 'devices[0].url',
      message: /^credentials in URLs are refused: put the password in BIOTIME_PASSWORD_<DEVICE> or the keychain$/,
    },
    {
      title: 'user name only in a site URL',
      raw: withSite({ url: 'https://admin@hr.example' }),
      key: 'sites[0].url',
      message: /credentials in URLs are refused.*FRAPPE_API_KEY_<SITE>/,
    },
    {
      title: 'URL with a query',
      raw: withDevice({ url: 'http://127.0.0.1:8081/?page=2' }),
      key: 'devices[0].url',
      message: /query string or fragment/,
    },
    {
      title: 'URL with an empty query',
      raw: withDevice({ url: 'http://127.0.0.1:8081/?' }),
      key: 'devices[0].url',
      message: /query string or fragment/,
    },
    {
      title: 'URL with a fragment',
      raw: withSite({ url: 'http://hr.example/#/desk' }),
      key: 'sites[0].url',
      message: /query string or fragment/,
    },
    {
      title: 'not a URL',
      raw: withDevice({ url: 'biotime.example:8081' }),
      key: 'devices[0].url',
      message: /only http and https|expected an http or https URL/,
    },
    {
      title: 'garbage URL',
      raw: withDevice({ url: 'http://' }),
      key: 'devices[0].url',
      message: /expected an http or https URL/,
    },
    {
      title: 'URL as a number',
      raw: withDevice({ url: 8081 }),
      key: 'devices[0].url',
      message: /expected an http or https URL, got 8081/,
    },
    // time zones, dates, files
    {
      title: 'bad zone on a site',
      raw: withSite({ timeZone: 'Asia/Dubay' }),
      key: 'sites[0].timeZone',
      message: /unknown time zone "Asia\/Dubay".*did you mean "Asia\/Dubai"/,
    },
    {
      title: 'bad zone on a device',
      raw: withDevice({ timeZone: 'GMT+4' }),
      key: 'devices[0].timeZone',
      message: /unknown time zone "GMT\+4"/,
    },
    {
      title: 'empty zone',
      raw: withDevice({ timeZone: '' }),
      key: 'devices[0].timeZone',
      message: /unknown time zone ""/,
    },
    {
      title: 'a write mode that does not exist',
      raw: withSite({ writeMode: 'turbo' }),
      key: 'sites[0].writeMode',
      message: /one of "polite", "fast"/,
    },
    {
      title: 'fast write hours that are not a window',
      raw: withSite({ fastWriteHours: '22h-6h' }),
      key: 'sites[0].fastWriteHours',
      message: /"HH:MM-HH:MM".*"22h-6h"/,
    },
    {
      title: 'impossible date',
      raw: withDevice({ importSince: '2023-02-29' }),
      key: 'devices[0].importSince',
      message: /"YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS"/,
    },
    {
      title: 'ISO date with T',
      raw: withDevice({ importSince: '2024-01-01T00:00:00' }),
      key: 'devices[0].importSince',
      message: /YYYY-MM-DD HH:MM:SS/,
    },
    {
      title: 'hour 24',
      raw: withDevice({ importSince: '2024-01-01 24:00:00' }),
      key: 'devices[0].importSince',
      message: /YYYY-MM-DD/,
    },
    {
      title: 'missing CA file',
      raw: withDevice({ tls: { caFile: 'does-not-exist.pem' } }),
      key: 'devices[0].tls.caFile',
      message: /cannot read the CA file ".*does-not-exist\.pem": it does not exist/,
    },
    {
      // However deep the path, the message keeps its end: the file name the operator has to fix.
      title: 'missing CA file deep in a long path',
      raw: withDevice({ tls: { caFile: `${'very-long-folder-name/'.repeat(12)}does-not-exist.pem` } }),
      key: 'devices[0].tls.caFile',
      message: /cannot read the CA file "….*very-long-folder-name\/does-not-exist\.pem": it does not exist/,
    },
    {
      title: 'CA file is a directory',
      raw: withSite({ tls: { caFile: FIXTURES } }),
      key: 'sites[0].tls.caFile',
      message: /is not a file/,
    },
    {
      title: 'CA path with a NUL byte',
      raw: withSite({ tls: { caFile: 'ca\u0000.pem' } }),
      key: 'sites[0].tls.caFile',
      message: /cannot read the CA file/,
    },
    // enums and user control
    {
      title: 'lower-case punch state action',
      raw: withDevice({ punchStates: { '7': 'out' } }),
      key: 'devices[0].punchStates["7"]',
      message: /expected one of "IN", "OUT", "NONE", "SKIP", got "out"; did you mean "OUT"\?/,
    },
    {
      title: 'empty punch state key',
      raw: withDevice({ punchStates: { '': 'IN' } }),
      key: 'devices[0].punchStates[""]',
      message: /punch state of 1 to 16 characters/,
    },
    {
      title: 'punch state key too long',
      raw: withDevice({ punchStates: { '01234567890123456': 'IN' } }),
      key: 'devices[0].punchStates["01234567890123456"]',
      message: /1 to 16 characters/,
    },
    {
      title: 'bad otherPunchStates',
      raw: withDevice({ otherPunchStates: 'BOTH' }),
      key: 'devices[0].otherPunchStates',
      message: /one of "IN", "OUT", "NONE", "SKIP"/,
    },
    {
      title: 'bad auth scheme',
      raw: withDevice({ authScheme: 'basic' }),
      key: 'devices[0].authScheme',
      message: /one of "jwt", "token"/,
    },
    {
      title: 'bad user control mode',
      raw: withDevice({ userControl: { mode: 'areas' } }),
      key: 'devices[0].userControl.mode',
      message: /did you mean "area"/,
    },
    {
      title: 'bad onOut',
      raw: withDevice({ userControl: { onOut: 'lock' } }),
      key: 'devices[0].userControl.onOut',
      message: /one of "enable", "disable", "none"/,
    },
    {
      title: 'area mode without area',
      raw: withDevice({ userControl: { mode: 'area' } }),
      key: 'devices[0].userControl.noAccessArea',
      message: /required when mode is "area"/,
    },
    {
      title: 'empty terminal serial',
      raw: withDevice({ terminalLocations: { '': { latitude: 0, longitude: 0 } } }),
      key: 'devices[0].terminalLocations[""]',
      message: /terminal serial number/,
    },
    // shift types
    {
      title: 'shift type fed by an unknown device',
      raw: withSite({ shiftTypes: [{ shiftType: 'Day', devices: ['gate'] }] }),
      key: 'sites[0].shiftTypes[0].devices[0]',
      message: /no device with id "gate"/,
    },
    {
      title: 'shift type fed by a device of another site',
      raw: {
        sites: [site(), site({ id: 'beta', shiftTypes: [{ shiftType: 'Day', devices: ['hq'] }] })],
        devices: [device()],
      },
      key: 'sites[1].shiftTypes[0].devices[0]',
      message: /device "hq" belongs to site "acme", not "beta"/,
    },
    {
      title: 'shift type without a name',
      raw: withSite({ shiftTypes: [{ devices: ['hq'] }] }),
      key: 'sites[0].shiftTypes[0].shiftType',
      message: /missing required key/,
    },
    // the root
    {
      title: 'root is an array',
      raw: [config()],
      key: '(root)',
      message: /expected a JSON object with "sites" and "devices", got an array/,
    },
    { title: 'root is null', raw: null, key: '(root)', message: /got null/ },
    { title: 'root is a string', raw: '{"sites": []}', key: '(root)', message: /got "\{/ },
  ];

  for (const c of cases) {
    it(`refuses ${c.title}: ${c.key}`, () => {
      const issues = issuesOf(() => validateConfig(c.raw, 'test', { baseDir: FIXTURES }));
      assertIssue(issues, c.key, c.message);
    });
  }

  it('reports every problem at once, each by path', () => {
    const file = path.join(FIXTURES, 'many-problems.json');
    const issues = issuesOf(() => parseConfigText(fixture('many-problems.json'), file));
    assert.deepStrictEqual(issues.map((i) => i.key).sort(), [
      'devices[0].id', // the first holder of a duplicate id is named too (issue 12: neither may run alone)
      'devices[0].intervalMinute',
      'devices[0].pageSize',
      'devices[0].password',
      'devices[0].punchStates["7"]',
      'devices[0].site',
      'devices[0].url',
      'devices[0].userControl.exempt[0]',
      'devices[0].userControl.noAccessArea',
      'devices[1].id',
      'sites[0].id',
      'sites[0].timeZone',
      'sites[0].url',
      'sites[1].id',
      'sites[1].url',
    ]);
  });

  it('never repeats a secret written into the configuration', () => {
    let message = '';
    try {
      parseConfigText(fixture('many-problems.json'), 'many-problems.json');
    } catch (e) {
      message = (e as Error).message;
    }
    assert.ok(message.includes('credentials in URLs are refused'));
    assert.ok(!message.includes('hunter2') && !message.includes('s3cret'), message);
    const unparsable = issuesOf(() => validateConfig(withDevice({ url: 'http://admin:pa ss@[bad' })));
    assert.ok(!JSON.stringify(unparsable).includes('pa ss'), JSON.stringify(unparsable));
  });

  it('does not let "__proto__" keys reach the prototype', () => {
    const raw = JSON.parse(
      '{"sites":[{"id":"acme","url":"http://x"}],"devices":[{"id":"hq","url":"http://y","username":"a","site":"acme","terminalLocations":{"__proto__":{"latitude":1,"longitude":2}}}]}',
    );
    const d = validateConfig(raw).devices[0];
    assert.equal(Object.getPrototypeOf(d.terminalLocations), Object.prototype);
    assert.ok(Object.hasOwn(d.terminalLocations, '__proto__'));
    assert.deepEqual(d.terminalLocations['__proto__'], { latitude: 1, longitude: 2 });
    // A punch state "__proto__" is not a punch state at all: refused, and the prototype is untouched either way.
    const states = JSON.parse(
      '{"sites":[{"id":"acme","url":"http://x"}],"devices":[{"id":"hq","url":"http://y","username":"a","site":"acme","punchStates":{"__proto__":"OUT"}}]}',
    );
    assertIssue(
      issuesOf(() => validateConfig(states)),
      'devices[0].punchStates["__proto__"]',
      /not a BioTime punch state/,
    );
    assert.equal(({} as Record<string, unknown>).OUT, undefined);
    assertIssue(
      issuesOf(() => validateConfig(JSON.parse('{"__proto__": {"x": 1}}'))),
      '__proto__',
      /unknown key/,
    );
  });

  it('bounds the list of issues for a hostile file', () => {
    const raw = config({
      devices: [device(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`junk${i}`, i])))],
    });
    const issues = issuesOf(() => validateConfig(raw));
    assert.equal(issues.length, CONFIG_LIMITS.maxIssues + 1);
    assert.deepStrictEqual(issues[issues.length - 1], { key: '(more)', message: '4800 more problems not listed' });
  });
});

describe('config: parseConfigText', () => {
  // Broken fixtures end in .txt so that no formatter ever "fixes" them.
  const broken: { file: string; at: string; message: RegExp }[] = [
    { file: 'broken-trailing-comma.json.txt', at: 'line 4, column 3', message: /trailing commas are not allowed/ },
    { file: 'broken-missing-comma.json.txt', at: 'line 4, column 18', message: /expected ',' or '\}', found '"url"'/ },
    {
      file: 'broken-truncated.json.txt',
      at: 'line 4, column 39',
      message: /line break or control character inside a string/,
    },
    { file: 'broken-comment.json.txt', at: 'line 2, column 3', message: /comments are not allowed/ },
  ];
  for (const b of broken) {
    it(`locates the syntax error in ${b.file} at ${b.at}`, () => {
      const issues = issuesOf(() => parseConfigText(fixture(b.file), b.file));
      assert.equal(issues.length, 1);
      assert.equal(issues[0].key, '(file)');
      assert.match(issues[0].message, new RegExp(`^invalid JSON at ${b.at}: `));
      assert.match(issues[0].message, b.message);
    });
  }

  const inline: [string, string, RegExp][] = [
    ['{"sites": [,]}', 'line 1, column 12', /expected a value, found ','/],
    ['{"a": 1}}', 'line 1, column 9', /after the end of the JSON value/],
    ['{\r\n  "a": tru\r\n}', 'line 2, column 8', /expected a value, found 'tru'/],
    ["{'sites': []}", 'line 1, column 2', /single quote/],
    ['{"exempt": [007]}', 'line 1, column 13', /must not start with 0/],
    ['{"a": "\\x"}', 'line 1, column 8', /invalid escape/],
    ['{"a": NaN}', 'line 1, column 7', /found 'NaN'/],
    ['{"a" 1}', 'line 1, column 6', /expected ':'/],
    ['{\n  "sites": [\n', 'line 3, column 1', /the '\[' at line 2, column 12 is never closed/],
    ['{"a": "abc', 'line 1, column 7', /unterminated string/],
  ];
  for (const [text, at, message] of inline) {
    it(`locates ${JSON.stringify(text)} at ${at}`, () => {
      const [issue] = issuesOf(() => parseConfigText(text, 'inline.json'));
      assert.equal(issue.key, '(file)');
      assert.ok(issue.message.startsWith(`invalid JSON at ${at}: `), issue.message);
      assert.match(issue.message, message);
    });
  }

  it('refuses an empty file, a file over 1 MB and deep nesting, with key "(file)"', () => {
    assertIssue(
      issuesOf(() => parseConfigText(' \n', 'c.json')),
      '(file)',
      /the file is empty/,
    );
    const huge = JSON.stringify({ sites: [], devices: [], $schema: 'x'.repeat(CONFIG_LIMITS.maxFileBytes) });
    assertIssue(
      issuesOf(() => parseConfigText(huge, 'c.json')),
      '(file)',
      /larger than 1 MB/,
    );
    const multiByte = `{"$schema": "${'é'.repeat(CONFIG_LIMITS.maxFileBytes / 2)}"}`;
    assertIssue(
      issuesOf(() => parseConfigText(multiByte, 'c.json')),
      '(file)',
      /larger than 1 MB/,
    );
    const deep = '{"sites":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    assertIssue(
      issuesOf(() => parseConfigText(deep, 'c.json')),
      '(file)',
      /nesting deeper than 64 levels/,
    );
  });

  it('reports duplicate keys by path together with the other problems', () => {
    const text =
      '{\n "sites": [{"id": "acme", "url": "http://x"}],\n "devices": [{"id": "hq", "url": "http://y", "username": "a",\n  "site": "acme", "pageSize": 100, "pageSize": 5}]\n}';
    const issues = issuesOf(() => parseConfigText(text, 'c.json'));
    assertIssue(issues, 'devices[0].pageSize', /duplicate key \(again at line 4, column 36\)/);
    assertIssue(issues, 'devices[0].pageSize', /from 10 to 1000, got 5/);
  });

  it('accepts a byte-order mark and resolves caFile against the file', () => {
    const text = '\ufeff' + JSON.stringify(withSite({ tls: { caFile: 'ca.pem' } }));
    const result = parseConfigText(text, path.join(FIXTURES, 'any.json'));
    assert.equal(result.sites[0].tls.caFile, path.join(FIXTURES, 'ca.pem'));
  });

  it('names the source in the error message', () => {
    assert.throws(
      () => parseConfigText('{', '/etc/biotime-sync.json'),
      (e: Error) => e.message.startsWith('Invalid /etc/biotime-sync.json:\n  - (file): '),
    );
  });
});

describe('config: configJsonSchema', () => {
  type Schema = {
    type?: string;
    properties?: Record<string, Schema>;
    items?: Schema;
    additionalProperties?: unknown;
    description?: string;
    default?: unknown;
    required?: string[];
  };
  const schema = configJsonSchema() as Schema;
  const siteSchema = schema.properties!.sites.items!;
  const deviceSchema = schema.properties!.devices.items!;

  it('describes every property from the one description table', () => {
    const used = new Set<string>();
    const walk = (s: Schema, at: string): void => {
      for (const [key, child] of Object.entries(s.properties ?? {})) {
        assert.ok(child.description, `${at}.${key} has no description`);
        used.add(child.description);
        walk(child, `${at}.${key}`);
      }
      if (s.items) walk(s.items, `${at}[]`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, `${at}{}`);
    };
    walk(schema, '');
    const table = Object.entries(CONFIG_DESCRIPTIONS).filter(([k]) => k !== 'root');
    for (const [key, text] of table) assert.ok(used.has(text), `description ${key} is unused`);
  });

  it('has the same keys, requirements and defaults as the validator', () => {
    const full = parseConfigText(fixture('full.json'), path.join(FIXTURES, 'full.json'));
    assert.deepStrictEqual(Object.keys(deviceSchema.properties!).sort(), Object.keys(full.devices[0]).sort());
    assert.deepStrictEqual(Object.keys(siteSchema.properties!).sort(), Object.keys(full.sites[0]).sort());
    assert.deepStrictEqual(deviceSchema.required, ['id', 'url', 'username', 'site']);
    assert.deepStrictEqual(siteSchema.required, ['id', 'url']);
    assert.equal(deviceSchema.additionalProperties, false);
    assert.equal(deviceSchema.properties!.intervalMinutes.default, 5);
    assert.equal(deviceSchema.properties!.pageSize.default, 200);
    assert.deepStrictEqual(deviceSchema.properties!.userControl.default, DEFAULTS.device.userControl);
    assert.equal(siteSchema.properties!.timeoutSeconds.default, 30);
  });

  it('returns a fresh object each time', () => {
    const a = configJsonSchema() as Schema;
    a.properties!.sites.description = 'changed';
    assert.notEqual((configJsonSchema() as Schema).properties!.sites.description, 'changed');
  });
});

describe('config: fuzz', () => {
  /** mulberry32: a deterministic PRNG, so a failing case replays from its seed. */
  const prng = (seed: number): (() => number) => {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const SEED = 20240601;
  const base = (): Json => JSON.parse(fixture('full.json')) as Json;
  const deepArray = (n: number): unknown => Array.from({ length: n }).reduce<unknown>((acc) => [acc], []);
  const hostile: unknown[] = [
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    1e308,
    -1e308,
    -1,
    0,
    -0,
    1.5,
    2 ** 53 + 1,
    '',
    ' ',
    '5',
    'true',
    'x'.repeat(3000),
    true,
    false,
    [],
    {},
    [1, 2, 3],
    { a: { b: { c: {} } } },
    deepArray(500),
    Array.from({ length: 1001 }, () => 'x'),
    Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, 'IN'])),
    'ftp://x',
    'http://u:p@x',
    'http://x/?q#f',
    'Asia/Dubay',
    'Asia/Dubai',
    '\u0000',
    '🙂',
    '__proto__',
    'acme',
    'hq',
    'IN',
    'area',
    '2024-13-01',
    '2024-01-01',
    { latitude: 1, longitude: 2 },
    { mode: 'area' },
    { verify: 'no' },
    ['hq', 'nope'],
  ];
  const keys = [
    'intervalMinute',
    'password',
    '__proto__',
    'constructor',
    'toString',
    'x',
    'sites',
    'id',
    'mode',
    'latitude',
  ];

  type Container = Record<string, unknown> | unknown[];
  const containers = (root: unknown): Container[] => {
    const out: Container[] = [];
    const walk = (v: unknown): void => {
      if (typeof v !== 'object' || v === null) return;
      out.push(v as Container);
      for (const child of Object.values(v)) walk(child);
    };
    walk(root);
    return out;
  };
  const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

  function mutate(rand: () => number, cfg: Json): void {
    const target = pick(rand, containers(cfg));
    const slots = Object.keys(target);
    const slot = slots.length ? pick(rand, slots) : '0';
    const t = target as Record<string, unknown>;
    switch (Math.floor(rand() * 5)) {
      case 0:
        t[slot] = structuredCloneSafe(pick(rand, hostile));
        break;
      case 1:
        if (Array.isArray(target)) target.splice(Number(slot), 1);
        else delete t[slot];
        break;
      case 2:
        Object.defineProperty(t, pick(rand, keys), {
          value: pick(rand, hostile),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      case 3:
        t[slot] = rand() < 0.5 ? [t[slot]] : { value: t[slot] };
        break;
      default:
        if (Array.isArray(target) && target.length) target.push(structuredCloneSafe(target[0]));
        else t[slot] = structuredCloneSafe(cfg);
    }
  }
  const structuredCloneSafe = (v: unknown): unknown => (typeof v === 'object' && v !== null ? structuredClone(v) : v);

  function assertValidOrConfigError(run: () => SyncConfig, label: string): 'ok' | 'error' {
    try {
      const result = run();
      assert.deepStrictEqual(validateConfig(result), result, `${label}: validating a result again changed it`);
      return 'ok';
    } catch (e) {
      if (!ConfigError.is(e)) throw new Error(`${label}: threw ${(e as Error)?.stack ?? String(e)}`);
      assert.ok(e.issues.length > 0, `${label}: ConfigError without issues`);
      for (const issue of e.issues) {
        assert.ok(
          typeof issue.key === 'string' && issue.key.length > 0,
          `${label}: issue without a key: ${JSON.stringify(issue)}`,
        );
        assert.ok(typeof issue.message === 'string' && issue.message.length > 0, `${label}: issue without a message`);
      }
      return 'error';
    }
  }

  it('500 mutated configs each validate or throw a ConfigError whose every issue names a key', () => {
    const rand = prng(SEED);
    const tally = { ok: 0, error: 0 };
    for (let n = 0; n < 500; n++) {
      const cfg = base();
      const edits = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < edits; k++) mutate(rand, cfg);
      const label = `seed ${SEED}, case ${n}`;
      tally[assertValidOrConfigError(() => validateConfig(cfg, 'fuzz', { baseDir: FIXTURES }), label)]++;
      const text = JSON.stringify(cfg) ?? 'null';
      assertValidOrConfigError(() => parseConfigText(text, path.join(FIXTURES, 'fuzz.json')), `${label} (as text)`);
    }
    assert.ok(tally.ok > 0 && tally.error > 0, `expected both outcomes, got ${JSON.stringify(tally)}`);
  });

  it('500 damaged config files each parse or throw a ConfigError whose every issue names a key', () => {
    const rand = prng(SEED + 1);
    const original = fixture('full.json');
    const alphabet = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      ' ',
      '\n',
      'a',
      '0',
      '-',
      'e',
      '.',
      '/',
      "'",
      '\u0000',
      '['.repeat(100),
    ];
    let errors = 0;
    for (let n = 0; n < 500; n++) {
      let text = original;
      const edits = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rand() * (text.length + 1));
        const op = Math.floor(rand() * 4);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1);
        else if (op === 1) text = text.slice(0, at) + pick(rand, alphabet) + text.slice(at);
        else if (op === 2) text = text.slice(0, at);
        else text = text.slice(0, at) + pick(rand, alphabet) + text.slice(at + 1);
      }
      const outcome = assertValidOrConfigError(
        () => parseConfigText(text, path.join(FIXTURES, 'fuzz.json')),
        `seed ${SEED + 1}, file ${n}`,
      );
      if (outcome === 'error') errors++;
    }
    assert.ok(errors > 400, `most damaged files must be refused, got ${errors}`);
  });
});
