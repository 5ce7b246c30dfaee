// Issue 12 E2: a dry run (Preview Sync, `run --dry-run`) predicts, punch by punch, what the run then does — on the
// built-in sandbox demo (an Inactive employee, an unknown code, a hand-entered checkin, a skipped state) and on a
// world with every other cause the product can know in advance: a Left employee (accepted), a punch BioTime sent
// twice, a time in a DST gap, punches before importSince, and a site that requires coordinates.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDemoSandbox } from '../../src/app/sandboxDemo';
import { createEngine, type EngineHandle } from '../../src/app/createEngine';
import { StaticCredentials } from '../../src/app/staticCredentials';
import { validateConfig } from '../../src/core/config';
import { nullLogger } from '../../src/core/redact';
import type { PunchOutcome } from '../../src/shared/model';
import { punch, world, type World } from './world';

async function outcomes(h: EngineHandle, runId: string): Promise<PunchOutcome[]> {
  const out: PunchOutcome[] = [];
  for await (const o of h.engine.runOutcomes(runId)) out.push(o);
  return out;
}

/** key → "outcome[/failure]" */
function byKey(list: PunchOutcome[]): Record<string, string> {
  return Object.fromEntries(list.map((o) => [o.key, `${o.outcome}${o.failure ? `/${o.failure}` : ''}`]));
}

async function planThenApply(h: EngineHandle, deviceId: string) {
  const dry = await h.engine.runDevice(deviceId, { dryRun: true });
  const plan = await outcomes(h, dry.runId);
  const real = await h.engine.runDevice(deviceId);
  const done = await outcomes(h, real.runId);
  return { dry, real, plan, done };
}

describe('system: a dry run predicts the run (issue 12 E2)', function () {
  this.timeout(60_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('on the sandbox demo: every punch has the outcome the plan said, the Inactive employee included', async () => {
    const demo = await startDemoSandbox({ now: () => new Date('2026-11-20T10:00:00Z') });
    const h = createEngine({
      config: validateConfig(demo.config),
      stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bts-plan-')),
      credentials: new StaticCredentials(demo.secrets),
      logger: nullLogger,
      lockOwner: 'test',
    });
    try {
      const { dry, real, plan, done } = await planThenApply(h, 'demo');
      assert.deepEqual(byKey(plan), byKey(done));
      assert.deepEqual(dry.counts, real.counts);
      const inactive = plan.find((o) => o.empCode === '1008')!;
      assert.equal(inactive.outcome, 'failed');
      assert.match(inactive.reason!, /would be refused: employee .* is Inactive/);
      assert.ok(dry.counts.created > 0 && dry.counts.failed === 2 && dry.counts.duplicate === 1);
    } finally {
      await h.dispose();
      await demo.close();
    }
  });

  it('Left employees, BioTime repeats, DST gaps, unknown codes and required coordinates are predicted too', async () => {
    w = await world({
      codes: ['1001', '1002', '1003', '1004'],
      device: {
        timeZone: 'Europe/Berlin',
        importSince: '2026-03-01',
        terminalLocations: { T2: { latitude: 25.2, longitude: 55.3 } },
      },
    });
    w.biotime.store.addTerminal({ sn: 'T2', alias: 'Gate 2', areaId: 1 });
    w.frappe.store.setHrSettings({ allow_geolocation_tracking: 1 });
    const left = w.frappe.store.addEmployee({
      employee_name: 'Left One',
      attendance_device_id: '3001',
      status: 'Left',
    });
    w.frappe.store.addEmployee({ employee_name: 'Gone', attendance_device_id: '3002', status: 'Inactive' });
    punch(w, '1001', '2026-03-10 08:00:00'); // T1 without coordinates: refused
    punch(w, '1002', '2026-03-10 08:00:00', '0', { terminal_sn: 'T2' }); // terminal location: created
    punch(w, '1003', '2026-03-10 08:05:00', '0', { latitude: 25.1, longitude: 55.2 }); // mobile punch: created
    punch(w, '3001', '2026-03-10 08:10:00', '0', { terminal_sn: 'T2' }); // Left: accepted
    punch(w, '3002', '2026-03-10 08:11:00', '0', { terminal_sn: 'T2' }); // Inactive: refused
    punch(w, '3002', '2026-03-10 08:11:00', '0', { terminal_sn: 'T2' }); // its repeat: refused the same way
    punch(w, '1004', '2026-03-10 08:20:00', '0', { terminal_sn: 'T2' });
    punch(w, '1004', '2026-03-10 08:20:00', '0', { terminal_sn: 'T2' }); // BioTime repeat: duplicate
    punch(w, '1001', '2026-03-29 02:30:00', '0', { terminal_sn: 'T2' }); // Berlin DST gap: failed
    punch(w, '1001', '2026-02-20 08:00:00', '0', { terminal_sn: 'T2' }); // before importSince: never read
    punch(w, '9999', '2026-03-10 09:00:00', '0', { terminal_sn: 'T2' }); // unknown code: failed
    const { plan, done } = await planThenApply(w.handle, 'hq');
    assert.deepEqual(byKey(plan), byKey(done));
    const reasons = plan.map((o) => `${o.empCode} ${o.outcome} ${o.reason ?? ''}`).join('\n');
    assert.match(reasons, /1001 failed would be refused: the site requires coordinates/);
    assert.match(reasons, /3001 created would be created \(dry run\); employee status Left: Frappe accepts/);
    assert.equal(plan.filter((o) => o.empCode === '3002' && o.outcome === 'failed').length, 2);
    assert.ok(left);
  });
});
