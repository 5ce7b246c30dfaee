import * as assert from 'node:assert/strict';
import { runnerKey, runsHere, withChoice } from '../../../src/vscode/runnerPolicy';

describe('vscode/runnerPolicy: which machine syncs a device on a schedule', () => {
  const hq = { id: 'hq', url: 'https://biotime.example.com:8081/' };

  it('user-level devices sync here as before; shared (workspace) devices only once chosen', () => {
    assert.equal(runsHere(hq, false, {}), true);
    assert.equal(runsHere(hq, true, {}), false);
    assert.equal(runsHere(hq, true, withChoice({}, hq, 'here')), true);
    assert.equal(runsHere(hq, false, withChoice({}, hq, 'notHere')), false);
  });

  it('the choice follows the device id and BioTime URL: another server is not picked up silently', () => {
    const chosen = withChoice({}, hq, 'here');
    assert.equal(runsHere({ ...hq, url: 'https://biotime.example.com:8081' }, true, chosen), true);
    assert.equal(runsHere({ ...hq, url: 'https://other.example.com' }, true, chosen), false);
    assert.notEqual(runnerKey(hq), runnerKey({ id: 'hq2', url: hq.url }));
  });

  it('the built-in sandbox devices always run in the window that started their servers', () => {
    assert.equal(runsHere({ id: 'sandbox-hq', url: 'http://127.0.0.1:1' }, true, {}), true);
  });
});
