import { Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterPartyModule, AfterPartyTask, type DeployTask, type TaskContext } from '../../lib';
import { TaskRegistry } from '../../lib/discovery/task.registry';
import { AfterPartyTester, AfterPartyTestingModule } from '../../lib/testing';

@Injectable()
class CounterService {
  readonly seen: string[] = [];
}

@AfterPartyTask({ version: '20260101000001', description: 'Counts' })
class CountTask implements DeployTask {
  constructor(private readonly counter: CounterService) {}
  async run(ctx: TaskContext): Promise<void> {
    this.counter.seen.push(`${ctx.name}:${ctx.environment}:${ctx.kind}`);
  }
}

@AfterPartyTask({ version: '20260101000002', name: 'exploding' })
class ExplodingTask implements DeployTask {
  async run(): Promise<void> {
    throw new Error('kaboom');
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequestService {}

@AfterPartyTask({ version: '20260101000003' })
class RequestScopedTask implements DeployTask {
  constructor(readonly perRequest: PerRequestService) {}
  async run(): Promise<void> {}
}

describe('AfterPartyTestingModule', () => {
  it('runs a task with its real injected providers and returns the record', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AfterPartyTestingModule.forRoot()],
      providers: [CounterService, CountTask, ExplodingTask],
    }).compile();
    await moduleRef.init();
    const tester = moduleRef.get(AfterPartyTester);

    const record = await tester.run(CountTask);
    expect(record).toMatchObject({ status: 'completed', version: '20260101000001', name: 'count', kind: 'manual', environment: 'test' });
    expect(moduleRef.get(CounterService).seen).toEqual(['count:test:manual']);

    const failed = await tester.run('exploding');
    expect(failed).toMatchObject({ status: 'failed', error: 'kaboom' });
    await moduleRef.close();
  });

  it('runs pending tasks in order and stops at the failure', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AfterPartyTestingModule.forRoot()],
      providers: [CounterService, CountTask, ExplodingTask],
    }).compile();
    await moduleRef.init();
    const report = await moduleRef.get(AfterPartyTester).runPending();
    expect(report.ok).toBe(false);
    expect(report.outcomes.map((o) => [o.name, o.status])).toEqual([
      ['count', 'completed'],
      ['exploding', 'failed'],
    ]);
    await moduleRef.close();
  });

  it('tells which class is not registered', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()] }).compile();
    await moduleRef.init();
    await expect(moduleRef.get(AfterPartyTester).run(CountTask)).rejects.toThrow(/CountTask is not a registered task/);
    await moduleRef.close();
  });
});

describe('task discovery', () => {
  it('finds tasks provided through useClass and useFactory, once each', async () => {
    @Module({
      providers: [
        CounterService,
        { provide: 'count-task', useFactory: (counter: CounterService) => new CountTask(counter), inject: [CounterService] },
        { provide: 'explode-task', useClass: ExplodingTask },
      ],
    })
    class TasksModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot(), TasksModule] }).compile();
    await moduleRef.init();
    expect(moduleRef.get(TaskRegistry).all().map((task) => task.className)).toEqual(['CountTask', 'ExplodingTask']);
    await moduleRef.close();
  });

  it('rejects a task that depends on a request-scoped provider at bootstrap', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [PerRequestService, RequestScopedTask] }).compile();
    await expect(moduleRef.init()).rejects.toThrow(/RequestScopedTask is request-scoped/);
  });

  it('resolves forRootAsync options from a factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }),
        AfterPartyModule.forRootAsync({ store: 'typeorm', useFactory: async () => ({ environment: 'from-factory', tableName: 'custom_runs' }) }),
      ],
      providers: [CounterService, CountTask],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get('AFTER_PARTY_OPTIONS')).toMatchObject({ environment: 'from-factory', tableName: 'custom_runs', store: 'typeorm' });
    await moduleRef.close();
  });
});

describe('the memory store', () => {
  it('is refused by AfterPartyModule, with a pointer to after-party/testing', () => {
    const message = /The memory store is for specs: import AfterPartyTestingModule from 'after-party\/testing'/;
    expect(() => AfterPartyModule.forRoot('memory' as never)).toThrow(message);
    expect(() => AfterPartyModule.forRoot({ store: 'memory' as never })).toThrow(message);
    expect(() => AfterPartyModule.forRootAsync({ store: 'memory' as never, useFactory: () => ({}) })).toThrow(message);
  });

  it('is the testing module default; other unknown stores are refused there too', () => {
    expect(() => AfterPartyTestingModule.forRoot({ store: 'redis' as never })).toThrow(/Unknown after-party store "redis"/);
  });
});
