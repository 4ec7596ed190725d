import type { ModuleRef } from '@nestjs/core';
import type { Connection } from 'mongoose';
import type { AfterPartyStore } from '../../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../../config/resolve-options';
import { loadOptional } from '../load-optional';
import { lazyConnection } from '../resolve-connection';
import { lockTiming } from '../watched-lock';
import { MongooseStore } from './mongoose.store';

const PACKAGES = ['@nestjs/mongoose', 'mongoose'];

/** Builds the Mongoose store over the app's (named) connection from @nestjs/mongoose. */
export function createMongooseStore(options: ResolvedAfterPartyOptions, moduleRef: ModuleRef): AfterPartyStore {
  loadOptional('mongoose', 'mongoose', PACKAGES);
  const { getConnectionToken } = loadOptional<typeof import('@nestjs/mongoose')>('@nestjs/mongoose', 'mongoose', PACKAGES);
  const token = getConnectionToken(options.connectionName);
  const connection = lazyConnection<Connection>(moduleRef, token, 'Mongoose connection', 'MongooseModule.forRoot(...)', options.connectionName);
  return new MongooseStore(connection, options.tableName, lockTiming(options.lockLease));
}
