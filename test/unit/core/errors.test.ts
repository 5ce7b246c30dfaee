import * as assert from 'node:assert/strict';
import { BioTimeError, describeError, errorMessage } from '../../../src/core/errors';

describe('core/errors (issue 17: one way to read an error, typed fields for the edge)', () => {
  it('errorMessage reads an Error, a typed error and anything else thrown', () => {
    assert.equal(errorMessage(new Error('disk on fire')), 'disk on fire');
    assert.equal(errorMessage(new BioTimeError('auth', 'BioTime refused the login.')), 'BioTime refused the login.');
    assert.equal(errorMessage('plain text'), 'plain text');
    assert.equal(errorMessage(undefined), 'undefined');
    assert.equal(errorMessage({ toString: () => 'an object' }), 'an object');
  });

  it('describeError gives the same message errorMessage does', () => {
    for (const e of [new Error('x'), new BioTimeError('tls', 'bad certificate', 'Fix it.'), 42])
      assert.equal(describeError(e).message, errorMessage(e));
  });
});
