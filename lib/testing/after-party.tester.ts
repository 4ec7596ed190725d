import { Inject, Injectable, type Type } from '@nestjs/common';
import { AFTER_PARTY_STORE } from '../config/after-party.constants';
import { TaskRegistry } from '../discovery/task.registry';
import type { BatchedTask } from '../interfaces/batched-task.interface';
import type { DeployTask } from '../interfaces/deploy-task.interface';
import type { TaskRunRecord } from '../interfaces/run-record.interface';
import type { AfterPartyStore } from '../interfaces/store.interface';
import type { RunReport } from '../interfaces/run-report.interface';
import { TaskRunner } from '../runner/task.runner';
import { pairKey } from '../tenants/tenant-key';

/** Runs tasks inside a test, with the providers of the testing module. */
@Injectable()
export class AfterPartyTester {
  constructor(
    private readonly runner: TaskRunner,
    private readonly registry: TaskRegistry,
    @Inject(AFTER_PARTY_STORE) private readonly store: AfterPartyStore,
  ) {}

  /**
   * Runs one task now, as `after-party:run <task>` would, and returns the run's record
   * (`status` is `completed`, `failed` or `interrupted`; `error` holds the message).
   */
  async run(task: Type<DeployTask> | Type<BatchedTask> | string, options: { deployId?: string } = {}): Promise<TaskRunRecord> {
    const registered = this.registry
      .all()
      .find((candidate) => (typeof task === 'string' ? candidate.version === task || candidate.name === task : candidate.instance instanceof task));
    if (!registered) {
      const label = typeof task === 'string' ? `"${task}"` : task.name;
      throw new Error(`${label} is not a registered task: add the task class to the testing module's providers.`);
    }
    if (registered.perTenant) {
      throw new Error(`${registered.className} runs per tenant: use runForTenant(${registered.className}, '<tenant id>').`);
    }
    await this.runner.run({ tasks: [registered.version], deployId: options.deployId ?? null, lockTimeoutMs: 0, migrate: false, terminal: false });
    const records = await this.store.latestRuns();
    return records.find((record) => record.version === registered.version) as TaskRunRecord;
  }

  /** Runs every pending task, as `after-party:run` would. */
  /**
   * Runs a per-tenant task (`perTenant: true`) for one tenant of the testing module's `tenants`
   * source, as `after-party:run <task> --tenants <id>` would, and resolves that tenant's record.
   */
  async runForTenant(task: Type<DeployTask> | Type<BatchedTask> | string, tenant: string): Promise<TaskRunRecord> {
    const registered = this.registry.all().find((candidate) => (typeof task === 'string' ? candidate.version === task || candidate.name === task : candidate.instance instanceof task));
    if (!registered?.perTenant) {
      const label = typeof task === 'string' ? `"${task}"` : task.name;
      throw new Error(`${label} is not a registered per-tenant task: add it to the testing module's providers, with perTenant: true.`);
    }
    await this.runner.run({ tasks: [registered.version], deployId: null, lockTimeoutMs: 0, migrate: false, terminal: false, tenants: { only: [tenant] } });
    const key = pairKey(registered.version, tenant);
    const record = (await this.store.latestRuns()).find((candidate) => candidate.version === key) as TaskRunRecord;
    // The task's own version, as the spec wrote it (the store keeps the tenant's run under `<version>@<tenant>`).
    return { ...record, version: registered.version };
  }

  runPending(options: { deployId?: string } = {}): Promise<RunReport> {
    return this.runner.run({ tasks: [], deployId: options.deployId ?? null, lockTimeoutMs: 0, migrate: false, terminal: false });
  }

  /** The latest run of every version. */
  latestRuns(): Promise<TaskRunRecord[]> {
    return this.store.latestRuns();
  }
}
