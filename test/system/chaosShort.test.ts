// The fault campaign in miniature, on every `npm test`: four scenarios of one fixed seed, without the faults that
// cost a full client timeout, each several cycles of the real CLI against the sandboxes with SIGKILLs, HTTP
// faults, late and odd records, then the final checks. The full campaign is `npm run chaos` (.ci/run: 50 runs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { runCampaign } from '../../chaos/campaign';
import { renderTable } from '../../chaos/report';

import { CLI } from './cliPath';
const SEED = 2026;

describe('system: short fault campaign (fixed seed)', function () {
  this.timeout(300_000);

  it(`seed ${SEED}, 4 quick scenarios: nothing lost, nothing duplicated, every invariant holds`, async () => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
    const result = await runCampaign({ runs: 4, seed: SEED, jobs: 4, cli: CLI, keep: 'failed', quick: true });
    const t = result.totals;
    assert.equal(t.failed, 0, `\n${renderTable(result, `short fault campaign — seed ${SEED}`)}`);
    // The campaign really exercised something: punches of every kind, faults, crashes.
    assert.ok(t.punches >= 150 && t.created >= 80, JSON.stringify(t));
    const kills = Object.entries(t.faults)
      .filter(([k]) => k.startsWith('SIGKILL'))
      .reduce((n, [, v]) => n + v, 0);
    const http = Object.entries(t.faults)
      .filter(([k]) => k.startsWith('http '))
      .reduce((n, [, v]) => n + v, 0);
    assert.ok(kills >= 2 && http >= 5, JSON.stringify(t.faults));
  });
});
