import { Test } from '@nestjs/testing';
import { AfterPartyEvents, AfterPartyService, AfterPartyTask, currentTenant, type DeployTask, type TaskContext } from '../../lib';
import type { StoreTransaction } from '../../lib/interfaces/store.interface';
import { AfterPartyTester, AfterPartyTestingModule, testTenants } from '../../lib/testing';
import { planTenants } from '../../lib/runner/tenant-fan-out';
import { tenantStore } from '../../lib/tenants/tenant-store';
import { checkTenantIds, pairKey, splitKey } from '../../lib/tenants/tenant-key';
import { MemoryStore } from '../../lib/stores/memory/memory.store';

/** What the per-tenant task saw, per tenant, in order. */
let seen: Array<{ tenant: string | undefined; fromStorage: string | undefined; version: string; marker: unknown }> = [];
let failing = new Set<string>();

@AfterPartyTask({ version: '20261201000001', name: 'greet-tenants', perTenant: true })
class GreetTenantsTask implements DeployTask {
  async run(ctx: TaskContext): Promise<void> {
    await Promise.resolve();
    seen.push({ tenant: ctx.tenant?.id, fromStorage: currentTenant()?.id, version: ctx.version, marker: ctx.tenant?.manager });
    if (failing.has(ctx.tenant?.id as string)) {
      throw new Error(`tenant ${ctx.tenant?.id} is broken`);
    }
  }
}

@AfterPartyTask({ version: '20261130000000', name: 'global-first' })
class GlobalTask implements DeployTask {
  async run(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen.push({ tenant: undefined, fromStorage: currentTenant()?.id, version: '20261130000000', marker: null });
  }
}

async function app(ids: string[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [AfterPartyTestingModule.forRoot({ tenants: testTenants(ids, (id) => ({ manager: `manager of ${id}` })) })],
    providers: [GreetTenantsTask, GlobalTask],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

beforeEach(() => {
  seen = [];
  failing = new Set();
});

describe('tenant record keys', () => {
  it('accepts ids of 1 to 49 letters, digits, "_", "-" and "." whose key fits the 64-character version column', () => {
    const longest = `a${'b'.repeat(48)}`;
    expect(checkTenantIds(['acme', 'T_1', 'a.b-c', longest], 'list()')).toEqual(['acme', 'T_1', 'a.b-c', longest]);
    expect(pairKey('20261201000001', longest)).toHaveLength(64);
    expect(splitKey(pairKey('20261201000001', 'acme'))).toEqual({ version: '20261201000001', tenant: 'acme' });
    expect(splitKey('20261201000001')).toEqual({ version: '20261201000001', tenant: null });
  });

  it.each([[['']], [['a'.repeat(50)]], [['has space']], [['-leading']], [['x@y']], [[42]], [['acme', 'acme']]])('refuses %j with a line naming the fix', (ids) => {
    expect(() => checkTenantIds(ids, 'The tenants source (test)')).toThrow(/The tenants source \(test\) gave the tenant id .*(ids are 1 to 49|twice)/);
  });
});

describe('planTenants', () => {
  const task = { version: '20261201000001', name: 'one', everyDeploy: false, perTenant: true } as never;
  const state = (tenant: string, over: object) => ({ version: pairKey('20261201000001', tenant), completed: false, completedInDeploy: false, cutShort: false, cancelled: false, ...over });

  it('leaves out completed and cancelled pairs, and --limit counts only tenants with pending tasks', () => {
    const states = [state('a', { completed: true }), state('b', { cancelled: true }), state('c', { cutShort: true })];
    expect(planTenants([task], ['a', 'b', 'c', 'd', 'e'], states, null, 2).map((entry) => entry.tenant)).toEqual(['c', 'd']);
    expect(planTenants([task], ['a', 'b'], null, null).map((entry) => [entry.tenant, entry.tasks[0].version, entry.tasks[0].tenant])).toEqual([
      ['a', pairKey('20261201000001', 'a'), { id: 'a', version: '20261201000001' }],
      ['b', pairKey('20261201000001', 'b'), { id: 'b', version: '20261201000001' }],
    ]);
  });
});

describe('tenantStore', () => {
  function storeWith(begin: () => Promise<StoreTransaction>): MemoryStore {
    const store = new MemoryStore();
    Object.assign(store, { capabilities: { transactions: { begin, oneAtATime: false } } });
    return store;
  }
  const transaction = (log: string[]): StoreTransaction =>
    ({ manager: 'tx', rollback: async () => void log.push('rollback'), commit: async () => void log.push('commit') }) as unknown as StoreTransaction;

  it('binds every transaction to the tenant before handing it out, and rolls one back whose binding failed', async () => {
    const log: string[] = [];
    const bound = tenantStore(
      storeWith(async () => transaction(log)),
      async (manager) => void log.push(`bind ${String(manager)}`),
    );
    expect((await bound.capabilities.transactions!.begin()).manager).toBe('tx');
    expect(log).toEqual(['bind tx']);
    const failing = tenantStore(
      storeWith(async () => transaction(log)),
      async () => {
        throw new Error('no such schema');
      },
    );
    await expect(failing.capabilities.transactions!.begin()).rejects.toThrow('no such schema');
    expect(log).toEqual(['bind tx', 'rollback']);
    // Everything else is the store's own.
    expect(bound.description).toBe(new MemoryStore().description);
  });
});

describe('per-tenant tasks through the runner (memory store)', () => {
  it('runs global tasks first, then each tenant in its context (events name it); a failed tenant is named and runs again next time, alone', async () => {
    const moduleRef = await app(['acme', 'globex', 'initech']);
    failing = new Set(['globex']);
    const events: string[] = [];
    moduleRef.get(AfterPartyEvents).on('task.completed', (event) => void events.push(`completed ${event.version} ${event.tenant ?? '-'}`));
    moduleRef.get(AfterPartyEvents).on('task.failed', (event) => void events.push(`failed ${event.version} ${event.tenant ?? '-'}`));
    const report = await moduleRef.get(AfterPartyTester).runPending();
    expect(events).toEqual([
      'completed 20261130000000 -',
      'completed 20261201000001 acme',
      'failed 20261201000001 globex',
      'completed 20261201000001 initech',
    ]);
    expect(seen.map((entry) => [entry.tenant, entry.fromStorage, entry.version, entry.marker])).toEqual([
      [undefined, undefined, '20261130000000', null],
      ['acme', 'acme', '20261201000001', 'manager of acme'],
      ['globex', 'globex', '20261201000001', 'manager of globex'],
      ['initech', 'initech', '20261201000001', 'manager of initech'],
    ]);
    expect([report.ok, report.tenants]).toEqual([
      false,
      { listed: 3, taken: 3, completed: 2, failed: [{ tenant: 'globex', task: '20261201000001 greet-tenants', status: 'failed', error: 'tenant globex is broken' }], notRun: [] },
    ]);

    const status = await moduleRef.get(AfterPartyService).status();
    expect(status.tasks.map((row) => [row.name, row.state, row.tenants?.states])).toEqual([
      ['global-first', 'completed', undefined],
      ['greet-tenants', 'failed', { completed: 2, failed: 1 }],
    ]);
    expect(status.tenants?.map((pair) => `${pair.tenant} ${pair.state}`)).toEqual(['acme completed', 'globex failed', 'initech completed']);
    expect(status.needsAttention.map((row) => row.name)).toEqual(['greet-tenants']);

    failing = new Set();
    seen = [];
    const again = await moduleRef.get(AfterPartyTester).runPending();
    expect([again.ok, seen.map((entry) => entry.tenant)]).toEqual([true, ['globex']]);
    await moduleRef.close();
  });

  it('provisions a tenant by running its tasks or marking them done, resets one tenant, and refuses tenant options where no task runs per tenant', async () => {
    const moduleRef = await app(['acme', 'globex']);
    const service = moduleRef.get(AfterPartyService);
    const provisioned = await service.provisionTenant('acme');
    expect([provisioned.report?.ok, seen.map((entry) => entry.tenant)]).toEqual([true, ['acme']]);
    expect(await service.provisionTenant('globex', { markDone: true })).toEqual({ report: null, marked: [{ version: '20261201000001', name: 'greet-tenants' }] });
    expect(seen.map((entry) => entry.tenant)).toEqual(['acme']);
    await expect(service.provisionTenant('umbrella')).rejects.toThrow('Unknown tenant: umbrella.');
    await expect(service.run({ tasks: ['global-first'], tenants: ['acme'] })).rejects.toThrow(
      'tenants applies to per-tenant tasks (perTenant: true), and none of the tasks this run takes is one.',
    );
    await expect(service.run({ concurrency: 0 })).rejects.toThrow('concurrency must be a whole number of 1 or more, not 0.');
    await expect(service.reset('greet-tenants')).rejects.toThrow(/runs per tenant, and reset\(task\) acts on global tasks.*reset\(task, \{ tenant \}\) starts one tenant's run of it over\./);
    await expect(service.reset('global-first', { tenant: 'acme' })).rejects.toThrow('20261130000000 global-first is a global task: tenant applies to per-tenant tasks (perTenant: true) only.');
    seen = [];
    expect(await service.reset('greet-tenants', { tenant: 'acme' })).toBe(1);
    const again = await service.run();
    expect([again.ok, seen.filter((entry) => entry.tenant).map((entry) => entry.tenant)]).toEqual([true, ['acme']]);
    expect((await moduleRef.get(AfterPartyTester).runForTenant(GreetTenantsTask, 'globex')).status).toBe('completed');
    await moduleRef.close();
  });

  it('starts no tenant once the time budget is spent (paused, exit 5) and the next run goes on with them', async () => {
    const moduleRef = await app(['acme', 'globex']);
    const service = moduleRef.get(AfterPartyService);
    // The global task takes 5 ms, so a budget of 1 ms is spent before any tenant.
    const sliced = await service.run({ maxDuration: 1 });
    expect([sliced.ok, sliced.paused, sliced.tenants?.notRun, seen.filter((entry) => entry.tenant)]).toEqual([false, true, ['acme', 'globex'], []]);
    const rest = await service.run();
    expect([rest.ok, seen.filter((entry) => entry.tenant).map((entry) => entry.tenant)]).toEqual([true, ['acme', 'globex']]);
    await moduleRef.close();
  });

  it('fails the run on a store error under one tenant only after the other running tenants ended (no record written after the lock is released)', async () => {
    const moduleRef = await app(['acme', 'globex']);
    const store = moduleRef.get<MemoryStore>('AFTER_PARTY_STORE');
    const finishRun = store.finishRun.bind(store);
    const writes: string[] = [];
    jest.spyOn(store, 'finishRun').mockImplementation(async (id, completion) => {
      const record = (await store.latestRuns()).find((run) => run.id === id);
      if (record?.version.endsWith('@acme')) {
        // Once globex's task is under way.
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('the records table went away');
      }
      // globex finishes well after acme's failure.
      await new Promise((resolve) => setTimeout(resolve, 50));
      writes.push(`${record?.version} at ${Date.now()}`);
      return finishRun(id, completion);
    });
    const failure = await moduleRef.get(AfterPartyService).run({ tasks: ['greet-tenants'], concurrency: 2 }).then(
      () => null,
      (error: Error) => ({ message: error.message, at: Date.now() }),
    );
    expect(failure?.message).toBe('the records table went away');
    expect(writes.map((write) => write.split(' at ')[0])).toEqual(['20261201000001@globex']);
    expect(Number(writes[0].split(' at ')[1])).toBeLessThanOrEqual(failure!.at);
    await moduleRef.close();
  });

  it('refuses at startup a per-tenant task without a tenants source', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [GreetTenantsTask] }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      'Task GreetTenantsTask runs per tenant (perTenant: true), but the module has no tenants source. Give AfterPartyModule.forRoot({ tenants: { useFactory: ..., inject: [...] } })',
    );
  });
});

describe('the exit code of a run with tenants', () => {
  it('is 1 when a tenant failed, even if the time budget then paused the run', () => {
    const { runExitCode } = require('../../lib/commands/run-outcome') as typeof import('../../lib/commands/run-outcome');
    const report = { outcomes: [], notRun: [], ok: false, abandoned: false, lockLost: false, paused: true, detached: [] };
    const tenants = (failed: number) => ({ listed: 2, taken: 2, completed: 0, failed: Array.from({ length: failed }, () => ({ tenant: 'a', task: 'x', status: 'failed' as const, error: 'e' })), notRun: ['b'] });
    expect([runExitCode({ ...report, tenants: tenants(1) }), runExitCode({ ...report, tenants: tenants(0) })]).toEqual([1, 5]);
  });
});
