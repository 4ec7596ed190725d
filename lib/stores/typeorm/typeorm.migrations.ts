import type { DataSource } from 'typeorm';
import type { MigrationCapability } from '../../interfaces/store.interface';

/** The app's TypeORM schema migrations, which after-party applies or waits for. */
export class TypeOrmMigrations implements MigrationCapability {
  constructor(private readonly dataSource: () => DataSource) {}

  async pending(): Promise<string[]> {
    const dataSource = this.dataSource();
    if (dataSource.migrations.length === 0) {
      return [];
    }
    const { MigrationExecutor } = require('typeorm') as typeof import('typeorm');
    const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
    return pending.map((migration) => migration.name);
  }

  async run(): Promise<string[]> {
    const dataSource = this.dataSource();
    const applied = await dataSource.runMigrations({ transaction: dataSource.options.migrationsTransactionMode ?? 'all' });
    return applied.map((migration) => migration.name);
  }
}
