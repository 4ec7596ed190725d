import { Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AfterPartyModule, AfterPartyTask, type BatchedTask, type DeployTask, type KeysetCollection, type TaskContext } from '../../lib';
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

/** A distributed task over the numbers 1..25, recording every batch it processes. */
@AfterPartyTask({ version: '20260101000004', name: 'fan-out', batch: { size: 10, distribute: true } })
class FanOutTask implements BatchedTask<number> {
  readonly batches: number[][] = [];
  collection(): KeysetCollection<number, number> {
    const items = Array.from({ length: 25 }, (_, i) => i + 1);
    const after = (cursor: number | undefined) => items.filter((item) => cursor === undefined || item > cursor);
    return {
      page: (cursor, limit) => Promise.resolve(after(cursor).slice(0, limit)),
      range: (cursor, last) => Promise.resolve(after(cursor).filter((item) => item <= last)),
      cursorOf: (item) => item,
    };
  }
  processBatch(items: number[]): void {
    this.batches.push(items);
  }
}

describe('a distributed task in a spec', () => {
  it('runs its batches in the spec process by default: no Redis, no worker, every item once', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [FanOutTask] }).compile();
    await moduleRef.init();

    const record = await moduleRef.get(AfterPartyTester).run(FanOutTask);

    expect(record).toMatchObject({ status: 'completed', name: 'fan-out' });
    expect(moduleRef.get(FanOutTask).batches).toEqual([
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
      [21, 22, 23, 24, 25],
    ]);
    await moduleRef.close();
  });

  it("with distribution: 'queue', is refused on the memory store, which cannot record batches", async () => {
    const compiling = Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot({ distribution: 'queue' })], providers: [FanOutTask] }).compile();
    await expect(compiling.then((moduleRef) => moduleRef.init())).rejects.toThrow(/asks for batch.distribute, which the memory store cannot record/);
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
