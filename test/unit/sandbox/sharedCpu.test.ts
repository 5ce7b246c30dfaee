import * as assert from 'node:assert/strict';
import { SharedCpu, type CpuTimers } from '../../../src/sandbox/common/sharedCpu';

/** Virtual time: timers fire only when the test advances the clock. */
class VirtualTimers implements CpuTimers {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  set = (ms: number, fn: () => void) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => void (timer.live = false);
  };
  /** Runs due timers in time order until `until`. */
  async runTo(until: number): Promise<void> {
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.fn();
      await Promise.resolve();
      await Promise.resolve();
    }
    this.t = until;
  }
}

describe('sandbox: SharedCpu (processor sharing of the site CPU)', () => {
  it('runs one job alone at full speed, whatever the capacity', async () => {
    const v = new VirtualTimers();
    const cpu = new SharedCpu(() => 1.12, v);
    let doneAt = -1;
    void cpu.run(100).then(() => (doneAt = v.t));
    await v.runTo(1000);
    assert.equal(doneAt, 100);
  });

  it('shares the capacity between two jobs: each at capacity/2 while both run', async () => {
    const v = new VirtualTimers();
    const cpu = new SharedCpu(() => 1, v);
    const done: Record<string, number> = {};
    void cpu.run(100).then(() => (done.long = v.t));
    void cpu.run(20).then(() => (done.short = v.t));
    await v.runTo(1000);
    // Both at half speed: the short one needs 40 ms; the long one did 20 by then and 80 more alone.
    assert.equal(done.short, 40);
    assert.equal(done.long, 120);
  });

  it('with capacity 1.12 two jobs together finish 12% more work than one alone', async () => {
    const v = new VirtualTimers();
    const cpu = new SharedCpu(() => 1.12, v);
    const done: number[] = [];
    void cpu.run(56).then(() => done.push(v.t));
    void cpu.run(56).then(() => done.push(v.t));
    await v.runTo(1000);
    assert.deepEqual(
      done.map((x) => Math.round(x)),
      [100, 100],
    );
  });

  it('a job joining later slows the running one from then on only', async () => {
    const v = new VirtualTimers();
    const cpu = new SharedCpu(() => 1, v);
    const done: Record<string, number> = {};
    void cpu.run(100).then(() => (done.a = v.t));
    await v.runTo(50);
    void cpu.run(10).then(() => (done.b = v.t));
    await v.runTo(1000);
    assert.equal(done.b, 70);
    assert.equal(done.a, 110);
  });

  it('never resolves after cancelAll (the server closed)', async () => {
    const v = new VirtualTimers();
    const cpu = new SharedCpu(() => 1, v);
    let done = false;
    void cpu.run(10).then(() => (done = true));
    cpu.cancelAll();
    void cpu.run(1).then(() => (done = true));
    await v.runTo(100);
    assert.equal(done, false);
  });
});
