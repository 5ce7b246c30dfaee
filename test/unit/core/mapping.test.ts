import * as assert from 'node:assert/strict';
import { actionForState, logTypeOf } from '../../../src/core/mapping';

describe('core/mapping', () => {
  const rules = {
    punchStates: { '0': 'IN', '1': 'OUT', '2': 'OUT', '5': 'OUT', '255': 'SKIP', '4': 'NONE' } as const,
    otherPunchStates: 'IN' as const,
  };
  it('maps configured states and falls back for others', () => {
    assert.equal(actionForState('0', rules), 'IN');
    assert.equal(actionForState('1', rules), 'OUT');
    assert.equal(actionForState('2', rules), 'OUT');
    assert.equal(actionForState('3', rules), 'IN');
    assert.equal(actionForState('I', rules), 'IN');
    assert.equal(actionForState(' 5 ', rules), 'OUT');
    assert.equal(actionForState('255', rules), 'SKIP');
  });
  it('does not treat prototype keys as configured states', () => {
    assert.equal(actionForState('constructor', { punchStates: {}, otherPunchStates: 'OUT' }), 'OUT');
  });
  it('turns actions into log types', () => {
    assert.equal(logTypeOf('IN'), 'IN');
    assert.equal(logTypeOf('NONE'), null);
    assert.equal(logTypeOf('SKIP'), null);
  });
});
