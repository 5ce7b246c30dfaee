// Issue 11 item 4: two installations syncing one device duplicate checkins (HRMS's duplicate check is not atomic,
// j2). doctor and `status` say so when checkins with the device's device_id appear that this installation's runs
// did not create.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../../src/app/createEngine';
import { validateConfig } from '../../src/core/config';
import { nullLogger } from '../../src/core/redact';
import { SECRETS, punch, world, type World } from './world';
import { FakeCredentials } from '../support/fakeCredentials';

describe('system: another installation syncing the same device', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('is not reported for checkins this installation created; is reported, by name, for the other one', async () => {
    w = await world();
    punch(w, '1001', '2026-11-20 08:00:00');
    const mine = await w.handle.engine.runDevice('hq');
    assert.equal(mine.counts.created, 1);
    const [quiet] = await w.handle.engine.otherRunners('hq');
    assert.deepEqual([quiet.foreign, quiet.warning, quiet.error], [[], undefined, undefined]);
    const doctorOk = (await w.handle.engine.doctor('hq')).find((c) => c.check === 'other installations')!;
    assert.equal(doctorOk.status, 'ok');

    // A colleague opens the same workspace on another machine: its own state directory, same device.
    const other = createEngine({
      config: validateConfig(w.rawConfig),
      stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bts-other-')),
      credentials: new FakeCredentials(SECRETS),
      logger: nullLogger,
      lockOwner: 'other machine',
    });
    try {
      punch(w, '1002', '2026-11-20 08:01:00');
      const theirs = await other.engine.runDevice('hq');
      assert.equal(theirs.counts.created, 1);
      const theirName = w.frappe.store.checkins().find((c) => c.employee === w!.emp['1002'])!.name;
      const [seen] = await w.handle.engine.otherRunners('hq');
      assert.deepEqual(seen.foreign, [theirName]);
      assert.match(
        seen.warning!.detail,
        /^Another installation is syncing this device: 1 checkin\(s\) with device_id /,
      );
      assert.match(seen.warning!.fix, /Stop Syncing This Device Here/);
      const doctor = (await w.handle.engine.doctor('hq')).find((c) => c.check === 'other installations')!;
      assert.equal(doctor.status, 'warn');
      assert.ok(doctor.detail.includes(String(theirName)));
    } finally {
      await other.dispose();
    }
  });
});
