import type { ModuleRef } from '@nestjs/core';
import type { Connection } from 'mongoose';
import { StoreUnavailableError } from '../../errors/store-unavailable.error';
import type { AfterPartyStore } from '../../interfaces/store.interface';
import type { ResolvedAfterPartyOptions } from '../../resolve-options';
import { loadOptional } from '../load-optional';
import { MongooseStore } from './mongoose.store';

const PACKAGES = ['@nestjs/mongoose', 'mongoose'];

/** Builds the Mongoose store over the app's (named) connection from @nestjs/mongoose. */
export function createMongooseStore(options: ResolvedAfterPartyOptions, moduleRef: ModuleRef): AfterPartyStore {
  loadOptional('mongoose', 'mongoose', PACKAGES);
  const { getConnectionToken } = loadOptional<typeof import('@nestjs/mongoose')>('@nestjs/mongoose', 'mongoose', PACKAGES);
  const token = getConnectionToken(options.connectionName);
  let connection: Connection | undefined;
  const resolve = (): Connection => {
    if (!connection) {
      try {
        connection = moduleRef.get<Connection>(token, { strict: false });
      } catch {
        throw new StoreUnavailableError(
          `No Mongoose connection${options.connectionName ? ` named "${options.connectionName}"` : ''} was found. ` +
            `Import MongooseModule.forRoot(...) in the app module${options.connectionName ? '' : ', or set connectionName for a named connection'}.`,
        );
      }
    }
    return connection;
  };
  return new MongooseStore(resolve, options.tableName, options.lockLease);
}
