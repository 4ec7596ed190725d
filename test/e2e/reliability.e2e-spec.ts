import { DataSource } from 'typeorm';
import { dropTestTables } from '../support/drop-tables';
import { FixtureApp, IN_PROCESS, V, ranVersions, useFixtureApp } from '../support/fixture-app';
import { describeEachStore } from '../support/stores';

const RUN = 'after-party:run';
const STATUS = 'after-party:status';
const TX = '20260101000010';
const LATE = '20251231000000';

describeEachStore(
  `transactional tasks ${IN_PROCESS}`,
  (target) => {
    let app: FixtureApp;
    let dataSource: DataSource;

    beforeEach(async () => {
      app = new FixtureApp(target, undefined, {}, true);
      dataSource =
        target.db === 'sqlite'
          ? new DataSource({ type: 'better-sqlite3', database: app.env().AP_DB_URL as string })
          : new DataSource({ type: target.db as 'postgres' | 'mysql', url: target.url });
      await dataSource.initialize();
      await dataSource.query(`CREATE TABLE ${app.table}_effects (id integer PRIMARY KEY)`);
    });

    afterEach(async () => {
      await dataSource.destroy();
      await dropTestTables(target, app.table);
      app.cleanupFiles();
    });

    it('rolls back the task writes and records no completion when the task throws; commits both when it succeeds', async () => {
      const env = { AP_EXTRA: 'tx' };
      const failed = await app.run([RUN, TX], { ...env, AP_FAIL: TX });
      expect(failed.code).toBe(1);
      expect(await dataSource.query(`SELECT id FROM ${app.table}_effects`)).toEqual([]);
      expect((await app.run([STATUS], env)).stdout).toMatch(/failed\s+20260101000010/);

      const ok = await app.run([RUN, TX], env);
      expect(ok.code).toBe(0);
      expect((await dataSource.query(`SELECT id FROM ${app.table}_effects`)).map((row: { id: unknown }) => Number(row.id))).toEqual([1]);
      expect((await app.run([STATUS], env)).stdout).toMatch(/completed\s+20260101000010/);
    });
  },
  (target) => target.sql,
);

describeEachStore(
  `reliability edges ${IN_PROCESS}`,
  (target) => {
    const fixture = useFixtureApp(target, undefined, { inProcess: true });
    let app: FixtureApp;
    beforeEach(() => (app = fixture()));

    it('still runs a pending task older than completed ones, with a warning', async () => {
      expect((await app.run([RUN])).code).toBe(0);
      const late = await app.run([RUN], { AP_EXTRA: 'early' });
      expect(late.code).toBe(0);
      expect(late.stdout).toContain(`${LATE} merged-late is older than tasks that already completed (merged late?); it runs now.`);
      expect(ranVersions(late.stdout)).toEqual([LATE, V.warm]);
    });

    if (target.db === 'mongo') {
      it('refuses transaction: true at bootstrap with exit 2', async () => {
        // A refusal at bootstrap ends the process: a child process.
        const result = await app.start([STATUS], { AP_EXTRA: 'tx' }).result;
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^after-party: Task TransactionalWriteTask asks for transaction: true, which the mongoose collection \S+ store cannot provide/m);
      });
    }

    if (target.db === 'postgres') {
      it('exits 2 with what to grant when the records table is read-only, and leaves nothing half-written', async () => {
        const admin = new DataSource({ type: 'postgres', url: target.url });
        await admin.initialize();
        const role = `${app.table}_ro`;
        try {
          expect((await app.run([RUN, '--dry-run'])).code).toBe(0);
          expect((await app.run(['after-party:mark-done', V.seed])).code).toBe(0);
          await admin.query(`CREATE ROLE ${role} LOGIN`);
          await admin.query(`GRANT SELECT ON ${app.table} TO ${role}`);
          const url = new URL(target.url as string);
          url.username = role;
          const result = await app.run([RUN], { AP_DB_URL: url.toString() });
          expect(result.code).toBe(2);
          expect(result.stderr).toMatch(/^after-party: Cannot write to the records table \S+: permission denied .* Grant the app's database user SELECT, INSERT and UPDATE on it\.$/m);
          expect(app.effects()).toEqual({});
          // Nothing half-written, and the lock was released: the owner's next run works.
          const rows = await admin.query(`SELECT status FROM ${app.table}`);
          expect(rows.map((row: { status: string }) => row.status)).toEqual(['completed']);
          expect((await app.run([RUN, '--no-wait'])).code).toBe(0);
        } finally {
          await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
          await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
          await admin.destroy();
        }
      });
    }
  },
  (target) => target.db !== 'mysql',
);
