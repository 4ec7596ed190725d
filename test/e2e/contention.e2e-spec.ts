import { hostname } from 'node:os';
import { V, ranVersions, useFixtureApp, type RunningCli } from '../support/fixture-app';
import { openHarness } from '../support/store-harness';
import { describeEachStore } from '../support/stores';

const alive = (runner: RunningCli): boolean => runner.child.exitCode === null && runner.child.signalCode === null;

describeEachStore('run lock contention', (target) => {
  const fixture = useFixtureApp(target);

  it('three runners wait while another process holds the run lock, then each task runs exactly once', async () => {
    const app = fixture();
    const harness = await openHarness(target, { sqliteFile: app.env().AP_DB_URL });
    try {
      const owner = { id: 'contention-test', host: hostname(), pid: process.pid, since: new Date().toISOString() };
      const lock = await harness.store(app.table).acquireLock(owner, 0);
      const runners = [1, 2, 3].map(() => app.start(['after-party:run'], { AP_SIGNAL_READY: '1' }));
      let whileHeld: { effects: Record<string, number>; alive: boolean[] };
      try {
        await Promise.all(runners.map((runner) => runner.waitFor('fixture app: ready', 60_000)));
        // Each runner found the lock held and says it waits: none can have run a task meanwhile.
        await Promise.all(runners.map((runner) => runner.waitFor('for the run lock, held by', 60_000)));
        whileHeld = { effects: app.effects(), alive: runners.map(alive) };
      } catch (error) {
        runners.forEach((runner) => runner.child.kill('SIGKILL'));
        throw error;
      } finally {
        await lock.release();
      }
      const results = await Promise.all(runners.map((runner) => runner.result));

      expect(whileHeld).toEqual({ effects: {}, alive: [true, true, true] });
      expect(results.map((result) => ({ code: result.code, output: result.code === 0 ? '' : result.stdout + result.stderr }))).toEqual(
        [0, 0, 0].map((code) => ({ code, output: '' })),
      );
      // Run-once tasks ran once; the every-deploy task once per run (no deploy id).
      expect(app.effects()).toEqual({ [V.seed]: 1, [V.backfill]: 1, [V.warm]: 3 });
      expect(results.flatMap((result) => ranVersions(result.stdout)).sort()).toEqual([V.seed, V.backfill, V.warm, V.warm, V.warm]);
    } finally {
      await harness.close();
    }
  }, 120_000);
});
