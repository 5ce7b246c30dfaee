// Mocha's per-test timeouts are watchdogs against a hung test, not speed checks: on a shared two-core machine kept
// busy by other work (CI, `npm run test:stress`) a test that takes 10 s idle can take ten times as long and is still
// right. Every test's timeout (from .mocharc.json, its suite's this.timeout, or this.timeout inside the test) is
// multiplied by TEST_TIMEOUT_SCALE (default 4), so the numbers written in the tests stay the idle-machine ones.
'use strict';
const scale = Number(process.env.TEST_TIMEOUT_SCALE || 4);

exports.mochaHooks = {
  beforeEach() {
    const test = this.currentTest;
    if (!test || !(scale > 0) || test.scaledTimeout) return;
    const timeout = test.timeout.bind(test);
    test.scaledTimeout = true;
    test.timeout = (ms) => (ms === undefined ? timeout() : timeout(Number(ms) > 0 ? Number(ms) * scale : ms));
    if (timeout() > 0) timeout(timeout() * scale);
  },
};
