import type { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import type { AfterPartyStore } from '../../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../../config/resolve-options';
import { loadOptional } from '../load-optional';
import { lazyConnection } from '../resolve-connection';
import { lockTiming } from '../watched-lock';
import { TypeOrmStore } from './typeorm.store';

const PACKAGES = ['@nestjs/typeorm', 'typeorm'];

/** Builds the TypeORM store over the app's (named) DataSource from @nestjs/typeorm. */
export function createTypeOrmStore(options: ResolvedAfterPartyOptions, moduleRef: ModuleRef): AfterPartyStore {
  loadOptional('typeorm', 'typeorm', PACKAGES);
  const { getDataSourceToken } = loadOptional<typeof import('@nestjs/typeorm')>('@nestjs/typeorm', 'typeorm', PACKAGES);
  const token = getDataSourceToken(options.connectionName);
  const dataSource = lazyConnection<DataSource>(moduleRef, token, 'TypeORM data source', 'TypeOrmModule.forRoot(...)', options.connectionName);
  return new TypeOrmStore(dataSource, options.tableName, lockTiming(options.lockLease));
}
