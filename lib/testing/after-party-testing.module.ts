import { DynamicModule, Module } from '@nestjs/common';
import { AfterPartyModule } from '../after-party.module';
import type { AfterPartyStoreType } from '../interfaces/after-party-options.interface';
import { validateStore } from '../config/resolve-options';
import { AfterPartyTester } from './after-party.tester';
import type { AfterPartyTenantsProvider } from '../interfaces/tenants.interface';

/** Options of {@link AfterPartyTestingModule.forRoot}. */
export interface AfterPartyTestingOptions {
  /** The environment tasks see. @default 'test' */
  environment?: string;
  /**
   * Where records go. `memory` (the default) needs no database; use `typeorm` (with a
   * TypeOrmModule in the testing module) for tasks with `transaction: true`.
   * @default 'memory'
   */
  store?: 'memory' | AfterPartyStoreType;
  /**
   * How distributed tasks (`batch.distribute`) run. `in-process`: their batches run one after
   * another in the spec's own process, as a batched task without a queue (the same `collection()`
   * and `processBatch()`, checkpoints and batch transactions), so a spec needs no Redis and no
   * worker, on any store. `queue`: through BullMQ as in production (needs Redis, workers and the
   * typeorm or mongoose store).
   * @default 'in-process'
   */
  distribution?: 'in-process' | 'queue';
  /** The tenants source of per-tenant tasks: `testTenants([...])` or the app's own provider. */
  tenants?: AfterPartyTenantsProvider;
}

/**
 * after-party for a task's own spec: the real runner with an in-memory record store.
 * Provide the task (and what it injects) in the testing module, then use {@link AfterPartyTester}.
 *
 * ```ts
 * import { AfterPartyTester, AfterPartyTestingModule } from 'after-party/testing';
 *
 * const moduleRef = await Test.createTestingModule({
 *   imports: [AfterPartyTestingModule.forRoot()],
 *   providers: [BackfillUserSlugsTask, UsersService],
 * }).compile();
 * await moduleRef.init();
 * const record = await moduleRef.get(AfterPartyTester).run(BackfillUserSlugsTask);
 * expect(record.status).toBe('completed');
 * ```
 */
@Module({})
export class AfterPartyTestingModule {
  static forRoot(options: AfterPartyTestingOptions = {}): DynamicModule {
    const store = options.store === undefined || options.store === 'memory' ? 'memory' : validateStore(options.store);
    return {
      module: AfterPartyTestingModule,
      imports: [
        AfterPartyModule.forStore(
          store,
          { environment: options.environment ?? 'test', lockTimeout: 0 },
          { distributeInProcess: (options.distribution ?? 'in-process') === 'in-process' },
          options.tenants,
        ),
      ],
      providers: [AfterPartyTester],
      exports: [AfterPartyTester],
    };
  }
}
