import { DataSource, type DataSourceOptions } from 'typeorm';
import { createAfterPartyMigration, createAfterPartyRecordEntity } from '../../lib/typeorm';
import type { AfterPartyStore } from '../../lib/interfaces/store.interface';
import { ended, runRecord } from '../support/run-records';
import { openHarness, type StoreHarness } from '../support/store-harness';
import { describeEachStore, uniqueTable, type StoreTarget } from '../support/stores';

const LATIN1_DATABASE = 'ap_latin1';
const MESSAGE = '💥 失败';
const DEPLOY_ID = 'déploiement-部署-🚀';
/** What a LATIN1 table keeps: every character outside ASCII as a \u{...} escape. */
const MESSAGE_IN_ASCII = '\\u{1F4A5} \\u{5931}\\u{8D25}';
const DEPLOY_ID_IN_ASCII = 'd\\u{E9}ploiement-\\u{90E8}\\u{7F72}-\\u{1F680}';

/**
 * The URL of a latin1 database on the server of `url` (PostgreSQL: LATIN1 encoding; MariaDB:
 * latin1 default character set), created when absent. Parallel suites may race to create it.
 */
async function latin1DatabaseUrl(url: string, family: 'postgres' | 'mysql'): Promise<string> {
  const admin = new DataSource({ type: family, url });
  await admin.initialize();
  try {
    if (family === 'postgres') {
      const [row] = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [LATIN1_DATABASE]);
      if (row.n === 0) {
        await admin
          .query(`CREATE DATABASE ${LATIN1_DATABASE} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`)
          // Another suite created it meanwhile: duplicate database, or the catalog's unique index.
          .catch((error: { code?: string }) => {
            if (error.code !== '42P04' && error.code !== '23505') {
              throw error;
            }
          });
      }
    } else {
      await admin.query(`CREATE DATABASE IF NOT EXISTS ${LATIN1_DATABASE} CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    }
  } finally {
    await admin.destroy();
  }
  const latin1 = new URL(url);
  latin1.pathname = `/${LATIN1_DATABASE}`;
  return latin1.toString();
}

/** The character set of every string column of `table` (MySQL/MariaDB), and the table's collation. */
async function mysqlCharsets(sql: DataSource, table: string): Promise<{ table: string; columns: Record<string, string> }> {
  const [info] = await sql.query('SELECT TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
  const rows: Array<{ c: string; s: string }> = await sql.query(
    `SELECT COLUMN_NAME AS c, CHARACTER_SET_NAME AS s FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CHARACTER_SET_NAME IS NOT NULL`,
    [table],
  );
  return { table: String(info?.c), columns: Object.fromEntries(rows.map((row) => [row.c, row.s])) };
}

describeEachStore(
  'records in a database whose character set cannot hold every message',
  (target: StoreTarget) => {
    const family = target.db as 'postgres' | 'mysql';
    let harness: StoreHarness;
    let url: string;
    let latin1: DataSource;
    const tables: string[] = [];

    beforeAll(async () => {
      url = await latin1DatabaseUrl(target.url as string, family);
      harness = await openHarness(target);
      latin1 = new DataSource({ type: family, url });
      await latin1.initialize();
    });

    afterAll(async () => {
      for (const table of tables) {
        for (const name of [table, `${table}_batches`]) {
          await latin1?.query(`DROP TABLE IF EXISTS ${name}`);
        }
      }
      await latin1?.destroy();
      await harness?.close();
    });

    const newStore = async (): Promise<{ store: AfterPartyStore; table: string }> => {
      const table = uniqueTable('charset');
      tables.push(table);
      return { store: await harness.otherStore(table, { url }), table };
    };

    /** Records a failed run of a deploy with MESSAGE, and asserts it reads back failed, never running. */
    const recordsTheFailure = async (store: AfterPartyStore, message: string, deployId: string): Promise<void> => {
      const record = runRecord('20260101000001', { deployId: DEPLOY_ID });
      await store.insertRun(record);
      expect(await store.finishRun(record.id, ended('failed', MESSAGE))).toBe(true);
      expect(await store.lastRun(record.version)).toMatchObject({ id: record.id, status: 'failed', error: message, deployId });
      expect(await store.interruptOrphans(new Date().toISOString())).toEqual([]);
    };

    /** Completes a run in deploy DEPLOY_ID, and asserts the deploy finds it. */
    const findsTheDeploy = async (store: AfterPartyStore): Promise<void> => {
      const record = runRecord('20260101000002', { deployId: DEPLOY_ID, kind: 'deploy' });
      await store.insertRun(record);
      expect(await store.finishRun(record.id, ended('completed'))).toBe(true);
      const [state] = (await store.versionStates(DEPLOY_ID)).filter((entry) => entry.version === record.version);
      expect(state).toMatchObject({ completed: true, completedInDeploy: true });
      expect((await store.versionStates('another-deploy')).find((entry) => entry.version === record.version)).toMatchObject({ completedInDeploy: false });
    };

    /** Completes a run and starts the next of the deploy in one commit, and asserts the next reads back running. */
    const finishesAndStarts = async (store: AfterPartyStore, deployId: string): Promise<void> => {
      const first = runRecord('20260101000003', { deployId: DEPLOY_ID });
      const next = runRecord('20260101000004', { deployId: DEPLOY_ID });
      await store.insertRun(first);
      expect(await store.capabilities.finishAndStart!.finishAndStart(first.id, ended('completed'), next)).toBe(true);
      expect(await store.lastRun(next.version)).toMatchObject({ id: next.id, status: 'running', deployId });
    };

    /** Saves a batched run's checkpoint and progress holding text the table cannot hold, and asserts both read back exactly. */
    const keepsTheCheckpoint = async (store: AfterPartyStore): Promise<void> => {
      const record = runRecord('20260101000005', { deployId: DEPLOY_ID });
      await store.insertRun(record);
      const checkpoint = { cursor: ['部署-🚀', 'é', '\\u{E9}'], processed: 2, batches: 1 };
      const progress = { done: 2, total: 4, message: MESSAGE, updatedAt: new Date().toISOString(), cursor: checkpoint.cursor };
      await store.updateRun(record.id, { checkpoint });
      await store.updateRun(record.id, { progress });
      expect(await store.lastRun(record.version)).toMatchObject({ status: 'running', checkpoint, progress });
    };

    /** Records a distributed batch failed with MESSAGE, and asserts the ledger reads it back failed with `message`. */
    const recordsTheBatchFailure = async (store: AfterPartyStore, message: string): Promise<void> => {
      const ledger = store.capabilities.batchLedger!;
      await ledger.prepare();
      const batch = { version: '20260101000006', distributionId: 'd-1', batchNo: 1, status: 'queued' as const, after: null, last: '部署-🚀', items: 2, attempts: 0, error: null, worker: null, updatedAt: new Date().toISOString() };
      await ledger.add(batch);
      await ledger.fail(batch.version, batch.distributionId, batch.batchNo, MESSAGE, 3);
      expect(await ledger.list(batch.version, batch.distributionId)).toMatchObject([{ status: 'failed', error: message, attempts: 3, last: batch.last }]);
      expect(await ledger.summary(batch.version, batch.distributionId)).toMatchObject({ failed: 1, firstError: message });
    };

    if (family === 'mysql') {
      it('creates the records and batches tables in utf8mb4, which keeps the message and the deploy id as they are (MariaDB latin1 database)', async () => {
        const { store, table } = await newStore();
        await store.prepare();
        await store.capabilities.batchLedger!.prepare();
        for (const name of [table, `${table}_batches`]) {
          const charsets = await mysqlCharsets(latin1, name);
          expect(charsets.table).toMatch(/^utf8mb4_/);
          expect(Object.values(charsets.columns).every((charset) => charset === 'utf8mb4')).toBe(true);
        }
        await recordsTheFailure(store, MESSAGE, DEPLOY_ID);
        await findsTheDeploy(store);
      });

      it('makes the same utf8mb4 tables through the exported migration and entity', async () => {
        const migrated = uniqueTable('charset');
        const synchronized = uniqueTable('charset');
        tables.push(migrated, synchronized);
        const Migration = createAfterPartyMigration({ tableName: migrated });
        const runner = latin1.createQueryRunner();
        try {
          await new Migration().up(runner);
        } finally {
          await runner.release();
        }
        for (const name of [migrated, `${migrated}_batches`]) {
          expect((await mysqlCharsets(latin1, name)).table).toMatch(/^utf8mb4_/);
        }
        const withEntity = new DataSource({
          type: 'mysql',
          url,
          entities: [createAfterPartyRecordEntity({ type: 'mysql', tableName: synchronized })],
          synchronize: true,
        } as DataSourceOptions);
        await withEntity.initialize();
        await withEntity.destroy();
        for (const name of [migrated, synchronized]) {
          const { columns } = await mysqlCharsets(latin1, name);
          expect(Object.keys(columns)).toEqual(expect.arrayContaining(['id', 'version', 'name', 'deploy_id', 'host', 'error']));
          expect(Object.entries(columns).filter(([, charset]) => charset !== 'utf8mb4')).toEqual([]);
        }
        const store = await harness.otherStore(synchronized, { url });
        await recordsTheFailure(store, MESSAGE, DEPLOY_ID);
      });

      it('records the failure with the message escaped to ASCII in a latin1 records table made before', async () => {
        const { store, table } = await newStore();
        await store.prepare();
        await latin1.query(`ALTER TABLE ${table} CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
        expect((await mysqlCharsets(latin1, table)).table).toBe('latin1_swedish_ci');
        await recordsTheFailure(store, MESSAGE_IN_ASCII, DEPLOY_ID_IN_ASCII);
        await findsTheDeploy(store);
        await finishesAndStarts(store, DEPLOY_ID_IN_ASCII);
        await keepsTheCheckpoint(store);
      });

      it('escapes only the 4-byte characters in a utf8mb3 records table made before, keeping CJK as it is', async () => {
        const { store, table } = await newStore();
        await store.prepare();
        await latin1.query(`ALTER TABLE ${table} CONVERT TO CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci`);
        await recordsTheFailure(store, '\\u{1F4A5} 失败', 'déploiement-部署-\\u{1F680}');
        await findsTheDeploy(store);
      });
    }

    if (family === 'postgres') {
      it('records the failure with the message escaped to ASCII, and finds a non-ASCII deploy id (PostgreSQL LATIN1 database)', async () => {
        const { store } = await newStore();
        await store.prepare();
        await recordsTheFailure(store, MESSAGE_IN_ASCII, DEPLOY_ID_IN_ASCII);
        await findsTheDeploy(store);
        await finishesAndStarts(store, DEPLOY_ID_IN_ASCII);
      });

      it('keeps a checkpoint, progress and batch cursors holding text beyond LATIN1 exactly, and records a failed batch with its message escaped', async () => {
        const { store } = await newStore();
        await store.prepare();
        await keepsTheCheckpoint(store);
        await recordsTheBatchFailure(store, MESSAGE_IN_ASCII);
      });
    }
  },
  (target) => target.db === 'postgres' || target.db === 'mysql',
);
