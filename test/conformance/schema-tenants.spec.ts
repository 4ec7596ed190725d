import { DataSource } from 'typeorm';
import { schemaPerTenant } from '../../lib/tenants/typeorm-tenants';
import { describeEachStore } from '../support/stores';

describeEachStore(
  'schemaPerTenant on a real PostgreSQL pool of one connection',
  (target) => {
    const prefix = `st${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}_`;
    let dataSource: DataSource;

    beforeAll(async () => {
      // One connection: whatever a tenant leaves on it, the next user of the pool sees.
      dataSource = await new DataSource({ type: 'postgres', url: target.url, poolSize: 1 }).initialize();
      await dataSource.query(`CREATE SCHEMA "${prefix}present"`);
      await dataSource.query(`CREATE TABLE "${prefix}present".marker (name text)`);
      await dataSource.query(`INSERT INTO "${prefix}present".marker VALUES ('present')`);
    });

    afterAll(async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${prefix}present" CASCADE`);
      await dataSource.destroy();
    });

    it("points a tenant's queries at its schema, and gives the connection back with the path it had", async () => {
      const before = await dataSource.query('SHOW search_path');
      const source = schemaPerTenant(dataSource, { prefix });
      const seen = await source.enter('present', async (handle) => {
        const manager = handle.manager as DataSource['manager'];
        return { marker: await manager.query('SELECT name FROM marker'), schema: await manager.query('SELECT current_schema() AS schema') };
      });
      expect(seen).toEqual({ marker: [{ name: 'present' }], schema: [{ schema: `${prefix}present` }] });
      expect(await dataSource.query('SHOW search_path')).toEqual(before);
    });

    it("fails a tenant whose schema is missing in one line, leaving the pool's connection as it was", async () => {
      const before = await dataSource.query('SHOW search_path');
      const source = schemaPerTenant(dataSource, { list: () => ['gone'], schemaOf: (id) => `${prefix}${id}` });
      await expect(source.enter('gone', (handle) => (handle.manager as DataSource['manager']).query('SELECT 1'))).rejects.toThrow(`tenant schema "${prefix}gone" does not exist`);
      expect(await dataSource.query('SHOW search_path')).toEqual(before);
      const transaction = dataSource.createQueryRunner();
      await transaction.startTransaction();
      await expect(source.bindTransaction!('gone', transaction.manager)).rejects.toThrow(`tenant schema "${prefix}gone" does not exist`);
      await transaction.rollbackTransaction();
      await transaction.release();
      expect(await dataSource.query('SHOW search_path')).toEqual(before);
    });
  },
  (target) => target.db === 'postgres',
);
