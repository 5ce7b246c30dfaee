// Issue 12: the Add/Edit Device wizard asks the core the configuration check uses, so the two cannot disagree.
import * as assert from 'node:assert/strict';
import { checkConfig } from '../../../src/core/configCheck';
import { deviceEntryProblems } from '../../../src/core/fieldValidators';
import {
  parsePunchStates,
  urlFix,
  validateInterval,
  validateTimeZone,
  validateUrl,
} from '../../../src/vscode/commands/deviceValidation';

const site = { id: 'acme', url: 'https://hr.example.com' };
const device = { id: 'hq', url: 'http://10.0.0.5:8081', username: 'api', site: 'acme' };

/** What the configuration check (the CLI's, the tree's) says about one key of a device entry. */
function configSays(fields: Record<string, unknown>, key: string): string | undefined {
  const check = checkConfig({ sites: [site], devices: [{ ...device, ...fields }] });
  return check.problems.find((p) => p.list === 'devices' && p.key.startsWith(key))?.message;
}

describe('Add/Edit Device wizard validation = the configuration check', () => {
  it('time zone: a "did you mean", as the CLI says it', () => {
    assert.match(validateTimeZone('Asia/Riyad')!, /did you mean "Asia\/Riyadh"/);
    assert.match(configSays({ timeZone: 'Asia/Riyad' }, 'timeZone')!, /did you mean "Asia\/Riyadh"/);
    assert.equal(validateTimeZone('Asia/Riyadh'), undefined);
    assert.equal(validateTimeZone(''), undefined, 'empty = the site zone');
  });

  it('custom punch states: x=IN and a state given twice are refused, in the wizard and in the config', () => {
    assert.match((parsePunchStates('x=IN') as { error: string }).error, /"x" is not a BioTime punch state/);
    assert.match(configSays({ punchStates: { x: 'IN' } }, 'punchStates')!, /"x" is not a BioTime punch state/);
    assert.match((parsePunchStates('0=IN, 0=OUT') as { error: string }).error, /State 0 is given twice/);
    assert.match((parsePunchStates('00=IN') as { error: string }).error, /write the punch state "00" as "0"/);
    assert.match(configSays({ punchStates: { '00': 'IN' } }, 'punchStates')!, /as "0"/);
    assert.match((parsePunchStates('256=IN') as { error: string }).error, /not a BioTime punch state/);
    // The letter codes of older BioTime data (biotime-api.md §3.4) are states in both.
    assert.deepEqual(parsePunchStates('0=IN, I=IN, O=OUT, 255=SKIP, other=NONE'), {
      punchStates: { '0': 'IN', I: 'IN', O: 'OUT', '255': 'SKIP' },
      otherPunchStates: 'NONE',
    });
    assert.equal(configSays({ punchStates: { I: 'IN', O: 'OUT', '255': 'SKIP' } }, 'punchStates'), undefined);
  });

  it('every custom mapping the wizard accepts, the config accepts, and the other way round', () => {
    for (const text of ['0=IN', 'x=IN', '0=IN, 0=OUT', '1=out, 5=SKIP', 'i=IN', '300=IN', ' 7 = none ', '-1=IN']) {
      const r = parsePunchStates(text);
      const wizardOk = !('error' in r);
      const pairs = text.split(',').map((p) => p.split('=').map((x) => x.trim()));
      const keys = pairs.map(([k]) => k);
      const json = Object.fromEntries(pairs.map(([k, v]) => [k, v.toUpperCase()]));
      const configOk = new Set(keys).size === keys.length && !configSays({ punchStates: json }, 'punchStates');
      assert.equal(wizardOk, configOk, `${text}: wizard ${wizardOk}, config ${configOk}`);
    }
  });

  it('interval: the config rule (1 to 1440 whole minutes)', () => {
    assert.match(validateInterval('0')!, /from 1 to 1440/);
    assert.match(validateInterval('1441')!, /from 1 to 1440/);
    assert.match(validateInterval('2.5')!, /whole number/);
    assert.equal(validateInterval('15'), undefined);
  });

  it('URLs: a pasted page or API address is refused up front, and its base URL offered', () => {
    const pasted = 'http://10.0.0.5:42315/iclock/api/transactions/';
    assert.match(validateUrl(pasted, 'device')!, /remove the path.*Press Enter to use http:\/\/10\.0\.0\.5:42315/i);
    assert.equal(urlFix(pasted, 'device'), 'http://10.0.0.5:42315');
    assert.match(validateUrl('https://hr.example.com/app/home', 'site')!, /Frappe site only/);
    assert.equal(urlFix('https://hr.example.com/app/home', 'site'), 'https://hr.example.com');
    assert.match(validateUrl('http://admin:pw@bt:8081')!, /credentials/);
    assert.equal(urlFix('http://admin:pw@bt:8081'), undefined, 'never offers a URL built from one with credentials');
    assert.equal(validateUrl('http://10.0.0.5:8081/'), undefined);
  });

  it('the entry as saved: the configuration check of the whole device entry', () => {
    assert.deepEqual(deviceEntryProblems(device, site), []);
    const problems = deviceEntryProblems({ ...device, timeZone: 'Asia/Riyad', punchStates: { x: 'IN' } }, site);
    assert.deepEqual(
      problems.map((p) => p.key),
      ['timeZone', 'punchStates["x"]'],
    );
  });
});
