import * as assert from 'node:assert/strict';
import { TimerSet } from '../../../src/sandbox/common/workerPool';

// The benchmark's 0.5 ms per Employee Checkin must cost 0.5 ms on a one-document request too; a plain
// setTimeout(0.5) lasts a whole timer tick (about 1 ms), which would tax the per-punch contenders only. How much
// shorter it is than setTimeout is a timing, printed by `npm run bench:timings`; here only what holds under any load.
describe('bench: sandbox preciseWork (TimerSet.sleepPrecise)', () => {
  /** Resolves on the first event-loop turn at or after `end` (performance.now()), without a timer of its own. */
  const until = (end: number) =>
    new Promise<void>((resolve) => {
      const spin = (): void => (performance.now() >= end ? resolve() : void setImmediate(spin));
      spin();
    });

  it('never resolves before the time asked (a lower bound: a loaded machine only makes it later)', async () => {
    const timers = new TimerSet();
    for (const ms of [0.3, 0.5, 1.5]) {
      const t = performance.now();
      await timers.sleepPrecise(ms);
      assert.ok(performance.now() - t >= ms, `${ms} ms`);
    }
  });

  it('waits out a fraction of a millisecond without a timer (setImmediate), the whole milliseconds on one', async () => {
    const timers = new TimerSet();
    const sleep = timers.sleep.bind(timers);
    const asked: number[] = [];
    timers.sleep = (ms: number) => (asked.push(ms), sleep(ms));
    await timers.sleepPrecise(0.5);
    await timers.sleepPrecise(2.5);
    // sleep(0) resolves at once without a timer: only the whole 2 ms of the second call wait on setTimeout.
    assert.deepEqual(asked, [0, 2]);
  });

  it('never resolves once the server closed (cancelAll), like sleep', async () => {
    const timers = new TimerSet();
    let done = false;
    const end = performance.now() + 0.5;
    void timers.sleepPrecise(0.5).then(() => (done = true));
    timers.cancelAll();
    // Past its deadline, then two more turns of the loop: an uncancelled sleep would have resolved by now.
    await until(end);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, false);
  });
});
