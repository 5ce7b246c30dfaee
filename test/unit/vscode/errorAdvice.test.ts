import * as assert from 'node:assert/strict';
import { CredentialsMissingError, describeError, UnknownDeviceError } from '../../../src/core/errors';
import { actionsFor, adviseOn } from '../../../src/vscode/errors';

describe('errors translated at the edge by typed fields, never by text (issue 17)', () => {
  it('a missing BioTime password offers its command even when the device id reads like "api"', () => {
    // The text says "BioTime password for device 'rapid'": a match on /frappe|api/ in it offered the Frappe key.
    const e = new CredentialsMissingError('biotimePassword', "BioTime password for device 'rapid'", 'Set it.');
    assert.deepEqual(adviseOn(e).actions, ['setPassword', 'showLog']);
  });

  it('a missing Frappe secret offers the Frappe key command whatever its text says', () => {
    const e = new CredentialsMissingError('frappeApiKey', 'secret for site main', 'Set it.');
    assert.deepEqual(adviseOn(e).actions, ['setApiKey', 'showLog']);
  });

  it('the credential survives the run record (JSON), so the tree and the run report offer the same fix', () => {
    const record = JSON.parse(
      JSON.stringify(describeError(new CredentialsMissingError('frappeApiKey', 'Frappe API key for site main', 'x'))),
    );
    assert.equal(record.credential, 'frappeApiKey');
    assert.deepEqual(actionsFor(record.code, record), ['setApiKey', 'showLog']);
  });

  it('an unknown device is its own error and offers the settings, with its message kept', () => {
    const advice = adviseOn(new UnknownDeviceError('nope', ['hq']));
    assert.deepEqual(advice.actions, ['openSettings', 'showLog']);
    assert.equal(advice.message, "No device 'nope' is configured. Configured devices: hq.");
  });
});
