import Redis from 'ioredis';
import { FixtureApp, IN_PROCESS, itOnOneStore, ranVersions, type RunningCli, useFixtureApp, waitUntil } from '../support/fixture-app';
import { describeEachStore, REDIS_AVAILABLE } from '../support/stores';
import { openDatabase, type TestDatabase } from '../support/test-database';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const DISTRIBUTED = '20260101000021';

/** Counts of items applied 0, 1, 2... times. */
function tally(hits: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const hit of hits) {
    counts[hit] = (counts[hit] ?? 0) + 1;
  }
  return counts;
}

/** How many times each batch number was applied, across the outputs of the given processes. */
function appliedBatches(outputs: string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const output of outputs) {
    for (const match of output.matchAll(/batch (\d+) applied by pid/g)) {
      counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
    }
  }
  return counts;
}

// Without Redis every test is still defined, and shown as skipped.
(REDIS_AVAILABLE ? describe : describe.skip)(REDIS_AVAILABLE ? 'on Redis' : 'on Redis [Redis at 127.0.0.1:6379 unreachable, SKIPPED]', () =>
describeEachStore(
  `distributed tasks on BullMQ ${IN_PROCESS}`,
  // Every store where the batch ledger is under test (fan-out, a killed worker, a killed runner, a
  // failed batch); following a --no-wait run, repairs of lost jobs and a pause on the queue, whose
  // paths are the same on every store, on SQLite only, as their titles say.
  (target) => {
    const onOneStore = itOnOneStore(target);
    const fixture = useFixtureApp(target, undefined, { inProcess: true });
    let app: FixtureApp;
    let db: TestDatabase;
    let workers: RunningCli[];
    let outputs: string[];
    // SQL stores commit each batch with its ledger row; MongoDB has no transaction here.
    const transaction = target.sql ? '1' : '0';
    const env = (extra: Record<string, string> = {}) => ({
      AP_EXTRA: 'distributed',
      AP_BATCH_SIZE: '5',
      AP_BATCH_TX: transaction,
      AP_BULL_PREFIX: app.table,
      AP_LEASE_MS: '2000',
      ...extra,
    });

    const startWorkers = async (count: number, extra: Record<string, string> = {}): Promise<RunningCli[]> => {
      const started = Array.from({ length: count }, () => app.start(['worker'], { ...env(extra), AFTER_PARTY_WORKERS: '1' }));
      await Promise.all(started.map((worker) => worker.waitFor('ready')));
      workers.push(...started);
      return started;
    };
    const stopWorkers = async (): Promise<void> => {
      for (const worker of workers) {
        worker.child.kill('SIGTERM');
      }
      outputs.push(...(await Promise.all(workers.splice(0).map((worker) => worker.result))).map((result) => result.stdout + result.stderr));
    };

    /** How many jobs wait in the queues of this test's prefix (no worker has taken them). */
    const waitingJobs = async (): Promise<number> => {
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      try {
        let count = 0;
        for (const key of await redis.keys(`${app.table}:*:wait`)) {
          count += await redis.llen(key);
        }
        return count;
      } finally {
        await redis.quit();
      }
    };

    /** Deletes every BullMQ key of this test's prefix, as a flushed Redis would; returns how many. */
    const loseAllJobs = async (): Promise<number> => {
      const redis = new Redis({ host: '127.0.0.1', port: 6379 });
      try {
        const keys = await redis.keys(`${app.table}:*`);
        if (keys.length > 0) {
          await redis.del(...keys);
        }
        return keys.length;
      } finally {
        await redis.quit();
      }
    };

    beforeEach(async () => {
      app = fixture();
      db = await openDatabase(target, app);
      workers = [];
      outputs = [];
    });

    afterEach(async () => {
      await stopWorkers();
      await db.close();
      await loseAllJobs();
    });

    // 100 batches of 5 items: about 33 per worker, with two at a time each, enough for every
    // worker to take batches while others hold theirs. The MongoDB-wire server (FerretDB on SQLite)
    // writes its ledger at about 0.2 s a batch on a 2-core machine, several times that under load.
    const fanned = 100;
    it(`fans ${fanned} batches out to three worker processes and applies every item exactly once`, async () => {
      const items = fanned * 5;
      await db.seedItems(items);
      await startWorkers(3);
      const run = await app.run([RUN, DISTRIBUTED], env());
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Dispatched ${fanned} batches of distributed-items`);
      expect(run.stdout).toMatch(new RegExp(`\\(batches ${fanned}/${fanned}, done by 3 workers, \\d+ s in\\)`));
      await stopWorkers();
      expect(tally(await db.hits())).toEqual({ 1: items });
      const applied = appliedBatches(outputs);
      expect(applied.size).toBe(fanned);
      expect([...applied.values()].every((count) => count === 1)).toBe(true);
      // Two batches at a time per worker, and not one attempt failed (on SQLite too, whose
      // single connection per process makes its workers take one batch at a time).
      expect(outputs.join('\n')).not.toMatch(/failed \(attempt/);
      expect(await db.statuses(DISTRIBUTED)).toEqual(['completed']);
    }, 240_000);

    it(`survives a worker killed mid-batch: its batches are retried elsewhere and applied ${target.sql ? 'exactly once' : 'at least once (only the batches it held, twice)'}`, async () => {
      await db.seedItems(100);
      // The victim works alone until it has applied batch 4 (uncommitted with a transaction) and
      // hangs there: it is killed holding that batch, every time, before the others start.
      const [victim] = await startWorkers(1, { AP_BATCH_HANG_AT: '4' });
      const run = app.start([RUN, DISTRIBUTED], env({ AP_BATCH_DELAY_MS: '100' }));
      await victim.waitFor('batch 4 applied');
      victim.child.kill('SIGKILL');
      expect((await victim.result).signal).toBe('SIGKILL');
      workers.splice(workers.indexOf(victim), 1);
      await startWorkers(2);
      const done = await run.result;
      expect(done.code).toBe(0);
      const counts = tally(await db.hits());
      if (target.sql) {
        expect(counts).toEqual({ 1: 100 });
      } else {
        // Without a transaction, the batches the victim held when it died (batch 4, and another
        // one if it had taken a second: 2 at a time) are done again elsewhere: each twice, no more.
        const twice = counts[2] ?? 0;
        expect(Object.keys(counts).filter((hits) => hits !== '1' && hits !== '2')).toEqual([]);
        expect(counts[1] + twice).toBe(100);
        expect([5, 10]).toContain(twice);
      }
    });

    it('resumes a runner killed mid-dispatch without queuing any batch twice', async () => {
      await db.seedItems(100);
      // No worker yet and room for 3 queued batches: dispatch stalls after three.
      const first = app.start([RUN, DISTRIBUTED], env({ AP_MAX_QUEUED: '3' }));
      await first.waitFor('Progress 0/100');
      // Killed once its three batches are on the queue, the dispatch stalled on the fourth.
      await waitUntil(waitingJobs, (count) => count >= 3);
      first.child.kill('SIGKILL');
      expect((await first.result).signal).toBe('SIGKILL');
      await startWorkers(2);
      const second = await app.run([RUN, DISTRIBUTED], env({ AP_MAX_QUEUED: '3' }));
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/\(host [^,]+, pid \d+\) stopped while its batches were on the workers: this run takes it over/);
      expect(second.stdout).toMatch(/Dispatched the remaining \d+ batches of distributed-items to \S+ \(20 in all\)/);
      await stopWorkers();
      expect(tally(await db.hits())).toEqual({ 1: 100 });
      const applied = appliedBatches(outputs);
      expect(applied.size).toBe(20);
      expect([...applied.values()].every((count) => count === 1)).toBe(true);
    });

    it('fails the run with a batch that fails after its retries, and the next run retries only that batch', async () => {
      await db.seedItems(50);
      await startWorkers(2, { AP_FAIL: DISTRIBUTED, AP_BATCH_FAIL_AT: '3' });
      const failed = await app.run([RUN, DISTRIBUTED], env({ AP_ATTEMPTS: '2' }));
      expect(failed.code).toBe(1);
      // "of N": the batches dispatched when the failure ended the run (all 10, or fewer on a loaded machine).
      expect(failed.stdout + failed.stderr).toMatch(/Batch 3 of (\d+) failed after its retries: batch 3 was told to fail/);
      const hits = await db.hits();
      // Batch 3 (items 11 to 15) applied nothing, and no item was applied twice; the others ran
      // or not, depending on how far the workers had got (the next run completes them, once).
      expect({ batch3: hits.slice(10, 15), twice: hits.filter((hit) => hit > 1).length }).toEqual({ batch3: [0, 0, 0, 0, 0], twice: 0 });
      await stopWorkers();
      await startWorkers(2);
      const retried = await app.run([RUN, DISTRIBUTED], env());
      expect(retried.code).toBe(0);
      expect(retried.stdout).toContain('1 failed batch retried');
      expect(tally(await db.hits())).toEqual({ 1: 50 });
    });

    onOneStore('--no-wait queues the batches and returns with the run still running; the next run follows it to completion', async () => {
      await db.seedItems(60);
      const quick = await app.run([RUN, DISTRIBUTED, '--no-wait'], env());
      expect(quick.code).toBe(0);
      expect(quick.stdout).toContain('20260101000021 distributed-items: Left 12 batches to the workers (--no-wait); the next after-party:run follows them to the end');
      const status = JSON.parse((await app.run([STATUS, '--json'], env())).stdout);
      expect(status.tasks.find((row: { version: string }) => row.version === DISTRIBUTED).state).toBe('running');
      await startWorkers(2);
      const follow = await app.run([RUN], env());
      expect(follow.code).toBe(0);
      expect(follow.stdout).toContain('left its batches to the workers (--no-wait): this run follows them to the end');
      expect(ranVersions(follow.stdout)).toContain(DISTRIBUTED);
      await stopWorkers();
      expect(tally(await db.hits())).toEqual({ 1: 60 });
      expect([...appliedBatches(outputs).values()].every((count) => count === 1)).toBe(true);
    });

    onOneStore('repairs a distribution whose jobs Redis lost: the next run queues the missing batches again, each applied once', async () => {
      await db.seedItems(40);
      const queued = await app.run([RUN, DISTRIBUTED, '--no-wait'], env());
      expect(queued.code).toBe(0);
      // As if Redis had been flushed: every job of this test's prefix is gone.
      expect(await loseAllJobs()).toBeGreaterThan(0);
      await startWorkers(2);
      const repaired = await app.run([RUN, DISTRIBUTED], env());
      expect(repaired.code).toBe(0);
      expect(repaired.stdout).toContain('0 failed batches retried, 8 jobs queued again');
      await stopWorkers();
      expect(tally(await db.hits())).toEqual({ 1: 40 });
      expect([...appliedBatches(outputs).values()].every((count) => count === 1)).toBe(true);
    });

    onOneStore('repairs while it follows: batches whose jobs Redis lost mid-run are queued again and the same run completes, each applied once', async () => {
      await db.seedItems(40);
      const running = app.start([RUN, DISTRIBUTED], env());
      await running.waitFor('Dispatched 8 batches');
      // No worker has taken a batch yet; then Redis loses every job of this test's prefix.
      expect(await loseAllJobs()).toBeGreaterThan(0);
      await startWorkers(2);
      const done = await running.result;
      expect(done.code).toBe(0);
      expect(done.stdout + done.stderr).toContain('8 batches of distributed-items had no job in Redis any more: queued again');
      await stopWorkers();
      expect(tally(await db.hits())).toEqual({ 1: 40 });
      expect([...appliedBatches(outputs).values()].every((count) => count === 1)).toBe(true);
      expect(await db.statuses(DISTRIBUTED)).toEqual(['completed']);
    }, 60_000);

    onOneStore('pauses on the queue (exit 5): queued batches are held, and the next run resumes them, counting what was done from the start', async () => {
      await db.seedItems(100);
      const [worker] = await startWorkers(1, { AP_BATCH_DELAY_MS: '500', AP_CONCURRENCY: '1' });
      const running = app.start([RUN, DISTRIBUTED], env());
      await worker.waitFor('batch 2 applied');
      const pause = await app.run(['after-party:pause', DISTRIBUTED], env());
      expect({ code: pause.code, stderr: pause.stderr }).toEqual({ code: 0, stderr: '' });
      const paused = await running.result;
      expect(paused.code).toBe(5);
      const afterPause = (await db.hits()).filter((hit) => hit === 1).length;
      expect(afterPause).toBeLessThan(100);

      const resumed = await app.run([RUN, DISTRIBUTED], env());
      expect(resumed.code).toBe(0);
      // Its progress starts from the batches the paused run completed (batches 1 and 2 at least), not from 0.
      const first = Number(/Progress (\d+)\/100/.exec(resumed.stdout)?.[1]);
      expect(first).toBeGreaterThanOrEqual(10);
      expect(first).toBeLessThanOrEqual(afterPause);
      expect(tally(await db.hits())).toEqual({ 1: 100 });
    });

    if (target.db === 'postgres') {
      it("takes a killed worker's batch again within 20 s with after-party's default job locks (BullMQ's own took up to a minute)", async () => {
        await db.seedItems(20);
        const defaults = { AP_DEFAULT_LOCKS: '1' };
        const [victim] = await startWorkers(1, { ...defaults, AP_BATCH_HANG_AT: '1', AP_CONCURRENCY: '1' });
        const run = app.start([RUN, DISTRIBUTED], env(defaults));
        await victim.waitFor('batch 1 applied', 30_000);
        // The others join once the victim holds batch 1: only a dead worker's lock can give it to them.
        const others = await startWorkers(2, defaults);
        const killedAt = Date.now();
        victim.child.kill('SIGKILL');
        await Promise.any(others.map((worker) => worker.waitFor('batch 1 applied', 60_000)));
        const retakenMs = Date.now() - killedAt;
        process.stdout.write(`killed worker's batch taken again after ${retakenMs} ms\n`);
        expect(retakenMs).toBeLessThan(20_000);
        const done = await run.result;
        expect(done.code).toBe(0);
        await stopWorkers();
        expect(tally(await db.hits())).toEqual({ 1: 20 });
      }, 90_000);

      it('fails the run with its reason when BullMQ gives up on a batch whose workers keep dying on it (stalled out), instead of waiting forever', async () => {
        await db.seedItems(20);
        const victim = { AP_BATCH_HANG_AT: '1', AP_CONCURRENCY: '1' };
        const [first] = await startWorkers(1, victim);
        const run = app.start([RUN, DISTRIBUTED], env());
        await first.waitFor('batch 1 applied', 30_000);
        first.child.kill('SIGKILL');
        // The next worker finds batch 1 stalled, takes it again, and dies on it too.
        const [second] = await startWorkers(1, victim);
        await second.waitFor('batch 1 applied', 30_000);
        second.child.kill('SIGKILL');
        // Twice is more than BullMQ's maxStalledCount (1): the next worker to take it fails it.
        await startWorkers(1);
        const done = await run.result;
        expect(done.code).toBe(1);
        expect(done.stdout + done.stderr).toContain('Batch 1 of 4 failed after its retries: job stalled more than allowable limit');
        await stopWorkers();
        expect(outputs.join('\n')).not.toMatch(/Batch 1 of .* to be retried/);
        expect(outputs.join('\n')).toMatch(/Batch 1 of \S+ distributed-items failed for good \(attempt 1 of 3\): job stalled more than allowable limit/);
      }, 90_000);

      it('SIGTERM lets a batch in progress finish within the grace period, without aborting it or spending an attempt', async () => {
        await db.seedItems(10);
        const [worker] = await startWorkers(1, { AP_BATCH_SLOW_AT: '1', AP_BATCH_SLOW_MS: '2000', AP_CONCURRENCY: '1', AP_GRACE_MS: '20000' });
        const run = app.start([RUN, DISTRIBUTED], env({ AP_ATTEMPTS: '1' }));
        await worker.waitFor('batch 1 started by pid');
        worker.child.kill('SIGTERM');
        const stopped = await worker.result;
        const log = stopped.stdout + stopped.stderr;
        expect(log).toContain('Stopping batch workers: 1 batch in progress may finish within 20 s');
        expect(log).toMatch(/batch 1 applied by pid/);
        expect(log).not.toMatch(/failed \(attempt|failed for good|AbortError|stopped at shutdown/);
        workers.splice(workers.indexOf(worker), 1);
        await startWorkers(1);
        const done = await run.result;
        expect(done.code).toBe(0);
        await stopWorkers();
        expect(tally(await db.hits())).toEqual({ 1: 10 });
      }, 60_000);

      it('SIGTERM stops a batch that outlasts the grace period and hands it back to the queue without spending an attempt', async () => {
        await db.seedItems(10);
        const [worker] = await startWorkers(1, { AP_BATCH_SLOW_AT: '1', AP_BATCH_SLOW_MS: '120000', AP_CONCURRENCY: '1', AP_GRACE_MS: '1000' });
        // One attempt per batch: a batch that spent one at shutdown would fail the run.
        const run = app.start([RUN, DISTRIBUTED], env({ AP_ATTEMPTS: '1' }));
        await worker.waitFor('batch 1 started by pid');
        worker.child.kill('SIGTERM');
        const stopped = await worker.result;
        expect(stopped.stdout + stopped.stderr).toMatch(/Batch 1 of \S+ distributed-items stopped at shutdown .*: handed back to the queue, no attempt spent/);
        workers.splice(workers.indexOf(worker), 1);
        await startWorkers(1);
        const done = await run.result;
        expect(done.code).toBe(0);
        await stopWorkers();
        expect(tally(await db.hits())).toEqual({ 1: 10 });
      }, 60_000);
    }

    if (target.db === 'sqlite') {
      it('stops a worker whose Redis cannot be reached on SIGTERM, having logged its connection error once', async () => {
        const worker = app.start(['worker'], { ...env({ AP_REDIS_PORT: '6390' }), AFTER_PARTY_WORKERS: '1' });
        await worker.waitFor('ECONNREFUSED');
        // BullMQ reports the refused connection about twice a second: a few more of them.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const asked = Date.now();
        worker.child.kill('SIGTERM');
        const result = await worker.result;
        // It used to wait for Redis forever: a bound a loaded machine keeps, far below that.
        expect(Date.now() - asked).toBeLessThan(20_000);
        expect((result.stdout + result.stderr).match(/Batch worker of .*ECONNREFUSED/g)).toHaveLength(1);
      });

      it("runs no batch workers in the deploy hook's process on SQLite, even when asked: its one connection would mix their transactions with the runner's writes", async () => {
        await db.seedItems(20);
        await startWorkers(1);
        const run = await app.run([RUN, DISTRIBUTED], env({ AFTER_PARTY_WORKERS: '1' }));
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('Batch workers do not run in an after-party command on SQLite');
        expect(run.stdout).not.toContain('applied by pid');
        await stopWorkers();
        expect(tally(await db.hits())).toEqual({ 1: 20 });
        expect(appliedBatches(outputs).size).toBe(4);
      });
    }

    it('exits 2 with one line when Redis cannot be reached, and records nothing as completed', async () => {
      await db.seedItems(10);
      const run = await app.run([RUN, DISTRIBUTED], env({ AP_REDIS_PORT: '6390' }));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^after-party: Cannot reach Redis \(.*"port":6390.*\) for the distributed task 20260101000021 distributed-items: .*Check the BullMQ connection/m);
      expect(await db.statuses(DISTRIBUTED)).toEqual([]);
      expect(tally(await db.hits())).toEqual({ 0: 10 });
    });
  },
  (target) => target.db !== 'mysql',
));
