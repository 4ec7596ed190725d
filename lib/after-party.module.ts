import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AFTER_PARTY_ASYNC_OPTIONS, AFTER_PARTY_DISTRIBUTE_IN_PROCESS, AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE } from './config/after-party.constants';
import { tenantsProviders } from './tenants/tenants.provider';
import type { AfterPartyTenantsProvider } from './interfaces/tenants.interface';
import { isAfterPartyCommandProcess } from './cli/command-process';
import { hasNestCommander } from './cli/load-nest-commander';
import { InvalidOptionsError } from './errors/invalid-options.error';
import { TaskExplorer } from './discovery/task.explorer';
import { TaskRegistry } from './discovery/task.registry';
import { AfterPartyEvents } from './events/after-party.events';
import type {
  AfterPartyModuleAsyncOptions,
  AfterPartyModuleOptions,
  AfterPartyOptionsFactory,
  AfterPartyRuntimeOptions,
  AfterPartyStoreType,
} from './interfaces/after-party-options.interface';
import { resolveOptions, validateStore, type StoreKind } from './config/resolve-options';
import { AfterPartyQuietModule } from './quiet/after-party-quiet.module';
import { TaskRunner } from './runner/task.runner';
import { OperatorCore } from './operator/operator.core';
import { StatusService } from './status/status.service';
import { BatchWorkers } from './distribution/batch-workers.service';
import { DistributionService } from './distribution/distribution.service';
import { createStoreProvider } from './stores/store.provider';
import { AfterPartyService } from './api/after-party.service';
import { EventEmitterBridge } from './events/event-emitter.bridge';
import { EventListenerExplorer } from './events/event-listener.explorer';

/**
 * The `after-party:*` command providers, only in a process started with such a command: the
 * web app never loads nest-commander.
 */
function commandProviders(): Provider[] {
  // Without nest-commander, runAfterPartyCommand says so in one line; requiring the commands
  // here, while the app's modules are being imported, would end in a stack trace instead.
  if (!isAfterPartyCommandProcess() || !hasNestCommander()) {
    return [];
  }
  const { commandClassesFor } = require('./commands') as typeof import('./commands');
  return commandClassesFor(process.argv[2]);
}

/**
 * What keeps the app's scheduled jobs and queue workers quiet, only in a process started
 * with an `after-party:*` command.
 */
function quietImports(): DynamicModule[] {
  return isAfterPartyCommandProcess() ? [AfterPartyQuietModule.forCommand()] : [];
}

/**
 * Registers after-party: finds `@AfterPartyTask()` providers, connects the run-record store
 * to the app's database connection and adds the `after-party:*` commands. Global.
 */
@Module({})
export class AfterPartyModule {
  /**
   * @example AfterPartyModule.forRoot('typeorm')
   * @example AfterPartyModule.forRoot({ store: 'typeorm', tableName: 'deploy_task_runs' })
   */
  static forRoot(storeOrOptions: AfterPartyStoreType | AfterPartyModuleOptions): DynamicModule {
    const { store, tenants, ...runtime } = typeof storeOrOptions === 'string' ? { store: storeOrOptions } : (storeOrOptions ?? ({} as AfterPartyModuleOptions));
    return this.forStore(validateStore(store), runtime, {}, tenants);
  }

  /**
   * {@link forRoot} on a store that is not checked: `AfterPartyTestingModule` uses it for the
   * memory store, which `forRoot` refuses.
   * @internal
   */
  static forStore(
    store: StoreKind,
    runtime: AfterPartyRuntimeOptions,
    testing: { distributeInProcess?: boolean } = {},
    tenants?: AfterPartyTenantsProvider,
  ): DynamicModule {
    // Validated at bootstrap, where errors reach the CLI's one-line reporter.
    return this.assemble(store, [
      { provide: AFTER_PARTY_OPTIONS, useFactory: () => resolveOptions(store, runtime) },
      { provide: AFTER_PARTY_DISTRIBUTE_IN_PROCESS, useValue: testing.distributeInProcess === true },
      ...tenantsProviders(tenants),
    ]);
  }

  /**
   * Like {@link forRoot}, with everything but the store coming from a factory, a class or
   * an existing provider (e.g. `ConfigService`).
   */
  static forRootAsync(options: AfterPartyModuleAsyncOptions): DynamicModule {
    const type = validateStore(options?.store);
    const providers: Provider[] = [
      {
        provide: AFTER_PARTY_OPTIONS,
        inject: [AFTER_PARTY_ASYNC_OPTIONS],
        useFactory: (runtime: AfterPartyRuntimeOptions) => resolveOptions(type, runtime),
      },
    ];
    if (options.useFactory) {
      providers.push({ provide: AFTER_PARTY_ASYNC_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] });
    } else {
      const factoryClass = options.useClass ?? options.useExisting;
      if (!factoryClass) {
        throw new InvalidOptionsError('AfterPartyModule.forRootAsync needs useFactory, useClass or useExisting (with the store alongside).');
      }
      if (options.useClass) {
        providers.push({ provide: options.useClass, useClass: options.useClass });
      }
      providers.push({
        provide: AFTER_PARTY_ASYNC_OPTIONS,
        inject: [factoryClass],
        useFactory: (factory: AfterPartyOptionsFactory) => factory.createAfterPartyOptions(),
      });
    }
    providers.push(...tenantsProviders(options.tenants));
    return this.assemble(type, providers, options.imports ?? []);
  }

  private static assemble(store: StoreKind, optionProviders: Provider[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      global: true,
      module: AfterPartyModule,
      imports: [DiscoveryModule, ...imports, ...quietImports()],
      providers: [
        ...optionProviders,
        createStoreProvider(store),
        TaskRegistry,
        TaskExplorer,
        TaskRunner,
        OperatorCore,
        StatusService,
        AfterPartyEvents,
        DistributionService,
        BatchWorkers,
        ...commandProviders(),
        // The programmatic API and Nest-style events.
        AfterPartyService,
        EventListenerExplorer,
        EventEmitterBridge,
      ],
      exports: [AFTER_PARTY_OPTIONS, AFTER_PARTY_STORE, TaskRegistry, TaskRunner, OperatorCore, StatusService, AfterPartyEvents, AfterPartyService],
    };
  }
}
