import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from '../config/after-party.constants';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { ResolvedAfterPartyOptions, StoreKind } from '../config/resolve-options';

/** The store provider; each adapter's module is required only for its own store type. */
export function createStoreProvider(store: StoreKind): Provider {
  return {
    provide: AFTER_PARTY_STORE,
    inject: [AFTER_PARTY_OPTIONS, ModuleRef],
    useFactory: (options: ResolvedAfterPartyOptions, moduleRef: ModuleRef): AfterPartyStore => {
      switch (store) {
        case 'typeorm':
          return (require('./typeorm/typeorm-store.factory') as typeof import('./typeorm/typeorm-store.factory')).createTypeOrmStore(options, moduleRef);
        case 'mongoose':
          return (require('./mongoose/mongoose-store.factory') as typeof import('./mongoose/mongoose-store.factory')).createMongooseStore(options, moduleRef);
        case 'memory':
          return new (require('./memory/memory.store') as typeof import('./memory/memory.store')).MemoryStore();
      }
    },
  };
}
