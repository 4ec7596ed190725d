// Orders the spec files for Jest's two workers: the longest first, so that no long file starts
// last and leaves one worker idle while the other finishes it. Jest's own sequencer does this
// from the times of the last run on this machine; a clean clone has none and falls back to file
// size, which put the schematics end-to-end file (small, and the longest of all) at the very end.
// Here, a file without a time of its own from an earlier run takes its time from the table below
// (seconds of one clean-clone run on the 2-core CI machine); files in neither run after them,
// largest first, as Jest would.
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds each of the longest files took in CI; only their order matters. */
const CI_SECONDS = {
  'test/e2e/distributed.e2e-spec.ts': 151,
  'test/e2e/batched.e2e-spec.ts': 85,
  'test/e2e/run-and-status.e2e-spec.ts': 73,
  'test/schematics-e2e/apps.e2e-spec.ts': 68,
  'test/e2e/tenants.e2e-spec.ts': 59,
  'test/schematics-e2e/peer-install.e2e-spec.ts': 56,
  'test/stress/stress.e2e-spec.ts': 49,
  'test/e2e/dashboard.e2e-spec.ts': 34,
  'test/e2e/hardening.e2e-spec.ts': 33,
  'test/e2e/sample.e2e-spec.ts': 28,
  'test/e2e/usage-errors.e2e-spec.ts': 25,
  'test/unit/distribution-given-up.spec.ts': 23,
  'test/property/keyset-mongo.property.spec.ts': 21,
  'test/property/keyset-sql.property.spec.ts': 19,
  'test/e2e/quiet.e2e-spec.ts': 18,
};

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const known = (test) => CI_SECONDS[relative(test.context.config.rootDir, test.path).split('\\').join('/')];
    const byJest = super.sort([...tests]);
    const rank = new Map(byJest.map((test, index) => [test, index]));
    return byJest.sort((a, b) => {
      const failedA = this.hasFailed(a);
      const failedB = this.hasFailed(b);
      if (failedA !== failedB) {
        return failedA ? -1 : 1;
      }
      const timeA = this.time(a) ?? (known(a) === undefined ? undefined : known(a) * 1000);
      const timeB = this.time(b) ?? (known(b) === undefined ? undefined : known(b) * 1000);
      if ((timeA === undefined) !== (timeB === undefined)) {
        return timeA === undefined ? 1 : -1;
      }
      if (timeA !== undefined && timeB !== undefined && timeA !== timeB) {
        return timeB - timeA;
      }
      return rank.get(a) - rank.get(b);
    });
  }
}

module.exports = LongestFirstSequencer;
