import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { AFTER_PARTY_DISTRIBUTE_IN_PROCESS, AFTER_PARTY_STORE, AFTER_PARTY_TASK_METADATA, AFTER_PARTY_TENANTS } from '../config/after-party.constants';
import type { AfterPartyTenants } from '../interfaces/tenants.interface';
import { InvalidTaskClassError } from '../errors/invalid-task-class.error';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { AfterPartyTaskOptions } from '../interfaces/task-options.interface';
import type { RegisteredTask } from './registered-task.interface';
import type { TaskCandidate } from './task-candidate.interface';
import { TaskRegistry } from './task.registry';
import { validateTasks } from './validate-tasks';

/** Finds every `@AfterPartyTask()` provider at bootstrap and loads the registry. */
@Injectable()
export class TaskExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly registry: TaskRegistry,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
    @Optional() @Inject(AFTER_PARTY_DISTRIBUTE_IN_PROCESS) private readonly distributeInProcess = false,
    @Optional() @Inject(AFTER_PARTY_TENANTS) private readonly tenants?: AfterPartyTenants,
  ) {}

  onModuleInit(): void {
    const validated = validateTasks(this.findCandidates());
    // In a spec, a distributed task's batches run here, one after another: a batched task without a queue.
    const tasks: RegisteredTask[] = this.distributeInProcess ? validated.map(runInProcess) : validated;
    const transactional = tasks.find((task) => task.transaction || task.batch?.transaction);
    if (transactional && !this.store.capabilities.transactions) {
      throw new InvalidTaskClassError(
        transactional.className,
        `asks for ${transactional.transaction ? 'transaction: true' : 'batch: { transaction: true }'}, which the ${this.store.description} store cannot provide`,
        `Remove the option (make the task idempotent instead), or keep the records on a SQL database with the typeorm store${
          this.store.description === 'memory' ? " (in a spec: AfterPartyTestingModule.forRoot({ store: 'typeorm' }) over the spec's database)" : ''
        }.`,
      );
    }
    const distributed = tasks.find((task) => task.batch?.distribute);
    if (distributed && !this.store.capabilities.batchLedger) {
      throw new InvalidTaskClassError(
        distributed.className,
        `asks for batch.distribute, which the ${this.store.description} store cannot record`,
        'Distributed tasks need the typeorm or mongoose store.',
      );
    }
    this.checkPerTenant(tasks);
    this.registry.load(tasks);
  }

  /** Per-tenant tasks need a tenants source, and one that can bind the transactions they ask for. */
  private checkPerTenant(tasks: RegisteredTask[]): void {
    const perTenant = tasks.filter((task) => task.perTenant);
    if (perTenant.length > 0 && !this.tenants) {
      throw new InvalidTaskClassError(
        perTenant[0].className,
        'runs per tenant (perTenant: true), but the module has no tenants source',
        'Give AfterPartyModule.forRoot({ tenants: { useFactory: ..., inject: [...] } }) a source such as schemaPerTenant() from after-party/typeorm.',
      );
    }
    const transactional = perTenant.find((task) => task.transaction || task.batch?.transaction);
    if (transactional && this.tenants && typeof this.tenants.bindTransaction !== 'function') {
      throw new InvalidTaskClassError(
        transactional.className,
        `runs per tenant with ${transactional.transaction ? 'transaction: true' : 'batch: { transaction: true }'}, but the tenants source (${this.tenants.description}) keeps tenants' data out of the records' database, so no transaction can hold both`,
        "Remove the option and make the task idempotent (write through ctx.tenant.manager), or keep tenants as schemas of the records' database (schemaPerTenant()).",
      );
    }
  }

  private findCandidates(): TaskCandidate[] {
    const seen = new Set<unknown>();
    const candidates: TaskCandidate[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const target = this.classOf(wrapper);
      const options = target && this.reflector.get<AfterPartyTaskOptions | undefined>(AFTER_PARTY_TASK_METADATA, target);
      // The same class provided by two modules is one task, not a duplicate.
      if (!options || seen.has(target)) {
        continue;
      }
      seen.add(target);
      candidates.push({
        className: target.name,
        options,
        instance: wrapper.instance,
        scope: wrapper.isTransient ? 'transient' : wrapper.isDependencyTreeStatic() ? 'static' : 'request',
      });
    }
    return candidates;
  }

  /** The class behind a provider, whether it came from a class, `useValue` or `useFactory`. */
  private classOf(wrapper: InstanceWrapper): (abstract new (...args: never[]) => unknown) | undefined {
    const fromInstance = wrapper.instance?.constructor;
    const metatype = wrapper.inject ? fromInstance : (wrapper.metatype ?? fromInstance);
    return typeof metatype === 'function' && metatype !== Object ? (metatype as abstract new (...args: never[]) => unknown) : undefined;
  }
}

/** A distributed task as a batched one, for a spec that runs its batches in this process. */
function runInProcess(task: RegisteredTask): RegisteredTask {
  return task.kind === 'distributed' ? { ...task, kind: 'batched', batch: { ...task.batch, distribute: null } } : task;
}
