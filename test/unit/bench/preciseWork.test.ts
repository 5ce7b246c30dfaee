import * as assert from 'node:assert/strict';
import { TimerSet } from '../../../src/sandbox/common/workerPool';

// The benchmark's 0.5 ms per Employee Checkin must cost 0.5 ms on a one-document request too; a plain
// setTimeout(0.5) lasts a whole timer tick (about 1 ms), which would tax the per-punch contenders only.
describe('bench: sandbox preciseWork (TimerSet.sleepPrecise)', () => {
  const average = async (sleep: () => Promise<void>, n: number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) await sleep();
    return (performance.now() - t) / n;
  };

  it('waits at least the time asked, and less than a timer tick for a fraction of a millisecond', async () => {
    const timers = new TimerSet();
    for (const ms of [0.3, 0.5, 1.5]) {
      const t = performance.now();
      await timers.sleepPrecise(ms);
      assert.ok(performance.now() - t >= ms, `${ms} ms`);
    }
    const precise = await average(() => timers.sleepPrecise(0.5), 40);
    const coarse = await average(() => timers.sleep(0.5), 40);
    assert.ok(precise < coarse, `precise ${precise.toFixed(3)} ms vs setTimeout ${coarse.toFixed(3)} ms`);
  });

  it('never resolves once the server closed (cancelAll), like sleep', async () => {
    const timers = new TimerSet();
    let done = false;
    void timers.sleepPrecise(0.5).then(() => (done = true));
    timers.cancelAll();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(done, false);
  });
});
