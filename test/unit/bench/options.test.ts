import * as assert from 'node:assert/strict';
import { DEFAULTS, ENGINE_SIZES, parseBenchArgs, UsageError } from '../../../bench/options';

describe('bench/options', () => {
  it('defaults to the real-site profile, a 200,000-punch large run and the issue minimum server costs', () => {
    const o = parseBenchArgs([]);
    assert.deepEqual(o, DEFAULTS);
    assert.equal(o.profile, 'real');
    assert.ok(o.seedPunches <= o.punches);
    assert.ok(o.large >= 200_000);
    assert.ok(o.latencyMs >= 5 && o.perDocCostMs >= 0.5 && o.workers === 2);
  });

  it('--profile engine keeps the cheap site and its 5,000-punch comparison, the seed on all of it', () => {
    const o = parseBenchArgs(['--profile', 'engine']);
    assert.equal(o.profile, 'engine');
    assert.equal(o.punches, ENGINE_SIZES.punches);
    assert.equal(o.seedPunches, o.punches);
    assert.equal(parseBenchArgs(['--profile=engine', '--punches', '700']).seedPunches, 700);
    assert.throws(() => parseBenchArgs(['--profile', 'cheap']), UsageError);
  });

  it('reads sizes, costs and --out in both spellings', () => {
    const o = parseBenchArgs([
      '--punches',
      '800',
      '--large=0',
      '--zero',
      '1000',
      '--doc-cost',
      '0.75',
      '--out',
      'r.json',
    ]);
    assert.equal(o.punches, 800);
    assert.equal(o.seedPunches, DEFAULTS.seedPunches, 'the real profile runs the slow seed on a prefix');
    assert.equal(o.large, 0);
    assert.equal(o.zero, 1000);
    assert.equal(o.perDocCostMs, 0.75);
    assert.equal(o.out, 'r.json');
  });

  it('lets the seed run on a prefix, never on more than the backlog', () => {
    assert.equal(parseBenchArgs(['--punches', '5000', '--seed-punches', '1000']).seedPunches, 1000);
    assert.throws(() => parseBenchArgs(['--punches', '100', '--seed-punches', '200']), UsageError);
  });

  it('runs only the parts and contenders asked for', () => {
    const o = parseBenchArgs(['--only', 'zero,large', '--contenders', 'engine,add-log-per-punch']);
    assert.deepEqual(o.only, ['zero', 'large']);
    assert.deepEqual(o.contenders, ['engine', 'add-log-per-punch']);
    assert.throws(() => parseBenchArgs(['--only', 'compare,speed']), UsageError);
  });

  it('refuses unknown flags and bad numbers', () => {
    assert.throws(() => parseBenchArgs(['--fast']), UsageError);
    assert.throws(() => parseBenchArgs(['--punches', '0']), UsageError);
    assert.throws(() => parseBenchArgs(['--punches', '1.5']), UsageError);
    assert.throws(() => parseBenchArgs(['--latency']), UsageError);
    assert.throws(() => parseBenchArgs(['--out']), UsageError);
  });
});
