// Malformed configuration files, fuzzed from a seed: wrong types, unknown keys, huge values, hostile nesting and
// broken JSON. Each one must end in a ConfigError that names the key that was broken (or, for broken JSON, the
// line and column) — never another exception, never a partial result. The CLI side (exit 2, nothing
// contacted, nothing written) is in test/system/securityInput.test.ts; how long a case takes is printed by
// `npm run bench:timings`.
import * as assert from 'node:assert/strict';
import { parseConfigText } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';
import { BASE_CONFIG, fuzzCase } from '../../chaos/configFuzz';

describe('security: fuzzed configuration files', function () {
  this.timeout(60_000);

  it('the base configuration is valid (so every failure below comes from the mutation)', () => {
    assert.doesNotThrow(() => parseConfigText(JSON.stringify(BASE_CONFIG), '/tmp/biotime-sync.json'));
  });

  it('800 seeded mutations: always a ConfigError naming the broken key (or the line and column), never a crash', () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 800; seed++) {
      const c = fuzzCase(seed);
      let error: unknown;
      try {
        parseConfigText(c.text, '/tmp/biotime-sync.json');
      } catch (e) {
        error = e;
      }
      if (!(error instanceof ConfigError)) {
        problems.push(
          `seed ${seed} (${c.what}): ${error === undefined ? 'accepted' : `threw ${(error as Error)?.name}: ${(error as Error)?.message}`}`,
        );
        continue;
      }
      const keys = error.issues.map((i) => i.key);
      if (!keys.includes(c.key))
        problems.push(`seed ${seed} (${c.what}): error names ${JSON.stringify(keys.slice(0, 5))}, not ${c.key}`);
      if (c.key === '(file)' && !/line \d+, column \d+|larger than|empty/.test(error.message))
        problems.push(`seed ${seed} (${c.what}): no position in "${error.message.slice(0, 200)}"`);
      if (error.message.length > 20_000)
        problems.push(`seed ${seed} (${c.what}): a ${error.message.length}-character message`);
    }
    assert.deepEqual(problems, []);
  });
});
