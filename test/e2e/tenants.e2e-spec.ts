import Redis from 'ioredis';
import { FixtureApp, IN_PROCESS, type RunningCli } from '../support/fixture-app';
import { dropTestTables } from '../support/drop-tables';
import { describeEachStore, REDIS_AVAILABLE } from '../support/stores';
import { collectErrors, contextAs, DashboardServer, findChromium, launchChromium } from '../support/dashboard-browser';

const CHROMIUM = findChromium();
import { openTenantDatabases, tenantIds, type TenantDatabases } from '../support/tenant-databases';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const TENANT = 'after-party:tenant';
const CURRENCY = '20261201000001';
const BACKFILL = '20261201000002';
const SUMMARY = '20261201000003';

/** Every effect of a tenant whose three tasks ran once: one currency, one summary, every invoice hit once. */
const DONE_ONCE = { effects: { currency: 1, summary: 1 }, hits: 1 };

describeEachStore(
  `tenant fan-out ${IN_PROCESS}`,
  (target) => {
    // PostgreSQL: schemas of the app's database (transactions bound to the tenant: exactly once).
    // MariaDB: a database and a data source per tenant. MongoDB: a database per tenant (useDb).
    const exactlyOnce = target.db === 'postgres';
    let app: FixtureApp;
    let tenants: TenantDatabases;

    beforeEach(async () => {
      tenants = await openTenantDatabases(target);
      app = new FixtureApp(target, undefined, { AP_TENANTS: tenants.prefix }, true);
    });

    afterEach(async () => {
      await tenants.close();
      await dropTestTables(target, app.table);
      app.cleanupFiles();
    });

    /** Each tenant's effects and hits, as the tenant's own tables hold them. */
    async function effectsOf(ids: string[]): Promise<Record<string, { effects: Record<string, number>; hits: number | number[] }>> {
      const result: Record<string, { effects: Record<string, number>; hits: number | number[] }> = {};
      for (const id of ids) {
        const hits = await tenants.hits(id);
        result[id] = { effects: await tenants.effects(id), hits: hits.every((hit) => hit === hits[0]) ? hits[0] : hits };
      }
      return result;
    }

    it('runs three tasks over 50 tenants, isolates the one that fails and names it; the next run re-runs only that tenant', async () => {
      const ids = tenantIds(50);
      await tenants.create(ids);
      const failed = await app.run([RUN, '--concurrency', '3', '--json'], { AP_TENANT_FAIL: 't13' });
      expect(failed.code).toBe(1);
      const report = JSON.parse(failed.stdout);
      expect(report.tenants).toEqual({
        listed: 50,
        taken: 50,
        completed: 49,
        failed: [{ tenant: 't13', task: `${CURRENCY} tenant-currency`, status: 'failed', error: 'no currency for tenant t13' }],
        notRun: [],
      });
      expect(report.tasks).toHaveLength(49 * 3 + 1);
      expect(failed.stderr).toContain(`Failed 1 tenant: t13 (${CURRENCY} tenant-currency)`);
      const effects = await effectsOf(ids);
      for (const id of ids) {
        expect([id, effects[id]]).toEqual([id, id === 't13' ? { effects: {}, hits: 0 } : DONE_ONCE]);
      }

      const status = JSON.parse((await app.run([STATUS, '--json'])).stdout);
      expect(status.tenants).toHaveLength(150);
      const currency = status.tasks.find((row: { version: string }) => row.version === CURRENCY);
      expect(currency.state).toBe('failed');
      expect(currency.tenants).toEqual({ total: 50, states: { completed: 49, failed: 1 }, failed: [{ tenant: 't13', state: 'failed', error: 'no currency for tenant t13' }], running: [] });
      expect(status.tasks.find((row: { version: string }) => row.version === SUMMARY).tenants.states).toEqual({ completed: 49, pending: 1 });
      const text = await app.run([STATUS, '--check']);
      expect(text.code).toBe(4);
      expect(text.stdout).toContain(`${CURRENCY} over 50 tenants: 49 completed, 1 failed`);
      expect(text.stdout).toContain(`${CURRENCY} failed for t13: no currency for tenant t13`);

      const fixed = await app.run([RUN, '--json']);
      expect(fixed.code).toBe(0);
      const rerun = JSON.parse(fixed.stdout);
      expect(rerun.tasks.map((task: { tenant: string; version: string }) => `${task.tenant} ${task.version}`)).toEqual([`t13 ${CURRENCY}`, `t13 ${BACKFILL}`, `t13 ${SUMMARY}`]);
      const after = await effectsOf(ids);
      for (const id of ids) {
        expect([id, after[id]]).toEqual([id, DONE_ONCE]);
      }
      expect((await app.run([STATUS, '--check'])).code).toBe(0);
    }, 240_000);

    it('runs a canary (--tenants, then --limit) before the rest, and --fail-fast starts no tenant after a failure', async () => {
      const ids = tenantIds(6);
      await tenants.create(ids);
      const dry = await app.run([RUN, '--dry-run', '--tenants', 't02,t04']);
      expect(dry.stdout).toContain('Then per-tenant tasks: 6 runs over 2 tenants:');
      expect(Object.values(await effectsOf(ids)).filter((tenant) => tenant.hits !== 0)).toEqual([]);

      expect((await app.run([RUN, '--tenants', 't02,t04'])).code).toBe(0);
      expect(Object.entries(await effectsOf(ids)).filter(([, tenant]) => tenant.hits === 1).map(([id]) => id)).toEqual(['t02', 't04']);
      const limited = JSON.parse((await app.run([RUN, '--limit', '1', '--json'])).stdout);
      expect([limited.tenants.taken, [...new Set(limited.tasks.map((task: { tenant: string }) => task.tenant))]]).toEqual([1, ['t01']]);

      const fast = await app.run([RUN, '--fail-fast', '--json'], { AP_TENANT_FAIL: 't03' });
      expect(fast.code).toBe(1);
      const report = JSON.parse(fast.stdout);
      expect([report.tenants.failed.map((failure: { tenant: string }) => failure.tenant), report.tenants.notRun]).toEqual([['t03'], ['t05', 't06']]);
      expect(fast.stderr).toContain('tenant t03 failed (--fail-fast)');
      const effects = await effectsOf(ids);
      expect(ids.map((id) => effects[id].hits)).toEqual([1, 1, 0, 1, 0, 0]);

      const unknown = await app.run([RUN, '--tenants', 't02,nope']);
      expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('Unknown tenant: nope.')]);
      expect((await app.run([RUN])).code).toBe(0);
      const done = await effectsOf(ids);
      expect(ids.filter((id) => JSON.stringify(done[id]) !== JSON.stringify(DONE_ONCE))).toEqual([]);
    }, 240_000);

    it('provisions a new tenant (run now, or mark done), refuses an unknown one, resets one tenant (--tenant), and keeps a deleted tenant readable', async () => {
      await tenants.create(tenantIds(3));
      expect((await app.run([RUN])).code).toBe(0);
      await tenants.create(['t04', 't05']);
      const pending = JSON.parse((await app.run([STATUS, '--json'])).stdout);
      expect(pending.tenants.filter((pair: { tenant: string }) => pair.tenant === 't04').map((pair: { state: string }) => pair.state)).toEqual(['pending', 'pending', 'pending']);

      const provisioned = await app.run([TENANT, 't04', '--json']);
      expect(provisioned.code).toBe(0);
      expect(JSON.parse(provisioned.stdout).tasks).toHaveLength(3);
      expect(await effectsOf(['t04', 't05'])).toEqual({ t04: DONE_ONCE, t05: { effects: {}, hits: 0 } });

      const marked = await app.run([TENANT, 't05', '--mark-done']);
      expect([marked.code, marked.stdout]).toEqual([0, expect.stringContaining('Tenant t05: marked 3 tasks done')]);
      expect(await effectsOf(['t05'])).toEqual({ t05: { effects: {}, hits: 0 } });
      expect((await app.run([RUN, '--json'])).stdout).toContain('"tasks": []');

      const unknown = await app.run([TENANT, 't99']);
      expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('Unknown tenant: t99.')]);

      const reset = await app.run(['after-party:reset', 'tenant-summary', '--tenant', 't02', '--yes']);
      expect([reset.code, reset.stdout]).toEqual([0, expect.stringContaining(`Reset ${SUMMARY} tenant-summary for tenant t02 (1 run)`)]);
      expect(JSON.parse((await app.run([RUN, '--json'])).stdout).tasks.map((task: { tenant: string; version: string }) => `${task.tenant} ${task.version}`)).toEqual([`t02 ${SUMMARY}`]);
      expect((await effectsOf(['t02'])).t02.effects).toEqual({ currency: 1, summary: 2 });

      await tenants.drop('t01');
      const status = JSON.parse((await app.run([STATUS, '--json'])).stdout);
      const gone = status.tenants.filter((pair: { tenant: string }) => pair.tenant === 't01');
      expect(gone.map((pair: { listed: boolean; state: string }) => [pair.listed, pair.state])).toEqual([
        [false, 'completed'],
        [false, 'completed'],
        [false, 'completed'],
      ]);
      expect(status.tasks.find((row: { version: string }) => row.version === SUMMARY).tenants).toEqual({ total: 4, states: { completed: 3, marked: 1 }, failed: [], running: [] });
    }, 240_000);

    it('resumes every tenant after the runner is killed mid-run (SIGKILL), each batch applied once where transactions bind the tenant', async () => {
      const ids = tenantIds(6);
      await tenants.create(ids, 70);
      // A short lease, so that on MongoDB the next run takes the killed runner's lease over in seconds.
      const killed = app.start([RUN, '--concurrency', '2'], { AP_TENANT_BATCH_MS: '40', AP_LEASE_MS: '2000' });
      // Its record is inserted before this line and stays running for its 10 batches: the kill lands mid-backfill.
      await killed.waitFor(`Running ${BACKFILL}@t03`, 60_000);
      killed.child.kill('SIGKILL');
      await killed.result;
      const between = await effectsOf(ids);
      expect(ids.filter((id) => JSON.stringify(between[id]) === JSON.stringify(DONE_ONCE)).length).toBeLessThan(6);

      const resumed = await app.run([RUN, '--json'], { AP_LEASE_MS: '2000' });
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/never finished: recorded as interrupted/);
      const effects = await effectsOf(ids);
      for (const id of ids) {
        if (exactlyOnce) {
          expect([id, effects[id]]).toEqual([id, DONE_ONCE]);
        } else {
          // Without a transaction around a batch and its checkpoint, the batch in flight at the kill runs again.
          const hits = typeof effects[id].hits === 'number' ? [effects[id].hits as number] : (effects[id].hits as number[]);
          expect([id, hits.every((hit) => hit >= 1), hits.filter((hit) => hit > 1).length <= 7]).toEqual([id, true, true]);
          expect([id, effects[id].effects.currency >= 1 && effects[id].effects.currency <= 2, effects[id].effects.summary >= 1 && effects[id].effects.summary <= 2]).toEqual([
            id,
            true,
            true,
          ]);
        }
      }
    }, 240_000);

    (REDIS_AVAILABLE ? it : it.skip)("fans a distributed per-tenant task's batches out to the app's workers, each batch in its tenant", async () => {
      const ids = tenantIds(4);
      await tenants.create(ids, 30);
      const env = { AP_TENANT_DISTRIBUTED: '1', AP_BULL_PREFIX: app.table };
      const workers: RunningCli[] = Array.from({ length: 2 }, () => app.start(['worker'], { ...env, AFTER_PARTY_WORKERS: '1' }));
      try {
        await Promise.all(workers.map((worker) => worker.waitFor('ready')));
        const run = await app.run([RUN, '--concurrency', '2', '--json'], env);
        expect([run.code, JSON.parse(run.stdout).tenants.completed]).toEqual([0, 4]);
      } finally {
        for (const worker of workers) {
          worker.child.kill('SIGTERM');
        }
        await Promise.all(workers.map((worker) => worker.result));
        const redis = new Redis({ host: '127.0.0.1', port: 6379 });
        const keys = await redis.keys(`${app.table}:*`);
        if (keys.length > 0) {
          await redis.del(...keys);
        }
        await redis.quit();
      }
      for (const id of ids) {
        expect([id, await tenants.effects(id)]).toEqual([id, { currency: 1, dist: 30 }]);
      }
    }, 240_000);

    // The page is the same whatever the store: one browser run, on PostgreSQL (skipped where no chromium is installed).
    (target.db !== 'postgres' ? () => undefined : CHROMIUM ? it : it.skip)('shows each per-tenant task over its tenants in the dashboard, in a real browser (chromium), its console free of errors', async () => {
      await tenants.create(tenantIds(6));
      expect((await app.run([RUN], { AP_TENANT_FAIL: 't03' })).code).toBe(1);
      const server = new DashboardServer(app);
      const browser = await launchChromium(CHROMIUM as string);
      const errors: string[] = [];
      try {
        const origin = await server.origin();
        const page = await (await contextAs(browser, 'ops@example.com')).newPage();
        collectErrors(page, errors);
        await page.goto(`${origin}/ops/after-party`);
        const row = page.locator(`tr[data-version="${CURRENCY}"]`);
        expect(await row.getAttribute('data-state')).toBe('failed');
        expect(await row.locator('.tenant-counts').innerText()).toBe('6 tenants: 5 completed, 1 failed\nfailed: t03');
        expect(await page.locator(`tr[data-version="${SUMMARY}"] .tenant-counts`).innerText()).toBe('6 tenants: 5 completed, 1 pending');

        await page.goto(`${origin}/ops/after-party/tasks/${CURRENCY}`);
        const rows = page.locator('table.tenants tbody tr');
        expect(await rows.count()).toBe(6);
        expect([await rows.first().getAttribute('data-tenant'), await rows.first().getAttribute('data-state')]).toEqual(['t03', 'failed']);
        expect(await rows.first().locator('.error-line').innerText()).toBe('no currency for tenant t03');
        expect(await page.locator('button.action').count()).toBe(0);
      } finally {
        await browser.close();
        await server.stop();
      }
      expect(errors).toEqual([]);
    }, 120_000);

    it('applies every (task, tenant) pair once when two deploys run at the same time', async () => {
      const ids = tenantIds(10);
      await tenants.create(ids);
      const first = app.start([RUN, '--concurrency', '3'], { AP_TENANT_BATCH_MS: '5' });
      const second = app.start([RUN, '--concurrency', '3'], { AP_TENANT_BATCH_MS: '5' });
      const [a, b] = await Promise.all([first.result, second.result]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const effects = await effectsOf(ids);
      expect(ids.filter((id) => JSON.stringify(effects[id]) !== JSON.stringify(DONE_ONCE))).toEqual([]);
    }, 240_000);
  },
  (target) => target.db !== 'sqlite',
);
