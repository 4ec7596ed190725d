import type { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';
import type { AfterPartyStore } from '../../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../../resolve-options';
import { loadOptional } from '../load-optional';
import { TypeOrmStore } from './typeorm.store';

const PACKAGES = ['@nestjs/typeorm', 'typeorm'];

/** Builds the TypeORM store over the app's (named) DataSource from @nestjs/typeorm. */
export function createTypeOrmStore(options: ResolvedAfterPartyOptions, moduleRef: ModuleRef): AfterPartyStore {
  loadOptional('typeorm', 'typeorm', PACKAGES);
  const { getDataSourceToken } = loadOptional<typeof import('@nestjs/typeorm')>('@nestjs/typeorm', 'typeorm', PACKAGES);
  const token = getDataSourceToken(options.connectionName);
  let dataSource: DataSource | undefined;
  // Resolved on first use: the data source's own module may be initialised after ours.
  const resolve = (): DataSource => {
    if (!dataSource) {
      try {
        dataSource = moduleRef.get<DataSource>(token, { strict: false });
      } catch {
        throw new StoreUnavailableError(
          `No TypeORM data source${options.connectionName ? ` named "${options.connectionName}"` : ''} was found. ` +
            `Import TypeOrmModule.forRoot(...) in the app module${options.connectionName ? '' : ', or set connectionName for a named data source'}.`,
        );
      }
    }
    return dataSource;
  };
  return new TypeOrmStore(resolve, options.tableName);
}
