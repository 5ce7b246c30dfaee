// A listener's failure is reported, never swallowed (issue 17, as GitLens's and VS Code's emitters do).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../../src/core/events';
import type { Logger } from '../../../src/core/ports';
import { FileStateStore } from '../../../src/core/state/fileStateStore';
import { device } from '../../support/configBuilders';
import { FakeSink, FakeSource, fakeEngine } from '../../support/enginePortFakes';

/** Lets every pending promise callback run (setImmediate comes after the microtask queue drains). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('core/events Emitter', () => {
  it('reports a throwing listener to its owner and still delivers to the others', () => {
    const reported: unknown[] = [];
    const emitter = new Emitter<number>({ onListenerError: (e) => reported.push(e) });
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('view broke');
    });
    emitter.event((n) => seen.push(n));
    emitter.fire(7);
    assert.deepEqual(seen, [7]);
    assert.equal(reported.length, 1);
    assert.equal((reported[0] as Error).message, 'view broke');
  });

  it('reports an async listener whose promise rejects, instead of leaving the rejection unhandled', async () => {
    const reported: unknown[] = [];
    const emitter = new Emitter<string>({ onListenerError: (e) => reported.push(e) });
    emitter.event(async () => {
      throw new Error('later');
    });
    emitter.fire('x');
    await settle();
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['later'],
    );
  });

  it('without a reporter, the failure is a process warning that names the error kind and not its text', () => {
    const emitter = new Emitter<void>();
    emitter.event(() => {
      throw new TypeError('secret-ish text');
    });
    const warnings: [string, string][] = [];
    const original = process.emitWarning;
    process.emitWarning = ((message: string, type: string) => void warnings.push([message, type])) as typeof original;
    try {
      emitter.fire();
    } finally {
      process.emitWarning = original;
    }
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0][1], 'ListenerError');
    assert.match(warnings[0][0], /TypeError/);
    assert.doesNotMatch(warnings[0][0], /secret-ish/);
  });

  it('a reporter that throws does not stop delivery', () => {
    const emitter = new Emitter<number>({
      onListenerError: () => {
        throw new Error('log closed');
      },
    });
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('first');
    });
    emitter.event((n) => seen.push(n));
    assert.doesNotThrow(() => emitter.fire(1));
    assert.deepEqual(seen, [1]);
  });

  it('the engine logs a failing event listener through its Logger', async () => {
    const errors: string[] = [];
    const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bts-events-'));
    const engine = fakeEngine({
      devices: [device()],
      store: new FileStateStore(dir),
      source: new FakeSource(),
      sink: new FakeSink(),
      logger,
    });
    engine.onEvent(() => {
      throw new Error('tree refresh failed');
    });
    await engine.runDevice(device().id);
    assert.ok(errors.length > 0, 'the failure was logged');
    assert.ok(
      errors.every((m) => m === 'An engine event listener failed: tree refresh failed'),
      errors.join('\n'),
    );
    engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
