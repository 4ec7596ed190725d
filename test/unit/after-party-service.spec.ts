import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AfterPartyService,
  AfterPartyTask,
  InvalidOptionsError,
  LockTimeoutError,
  UnknownTaskError,
  type DeployTask,
  type TaskContext,
} from '../../lib';
import { AfterPartyTestingModule } from '../../lib/testing';
import { Gate } from '../support/gate';

/** What the tasks did, and a gate a task can be held at. */
@Injectable()
class Effects extends Gate {
  readonly ran: string[] = [];
  failNext = true;

  count(name: string): number {
    return this.ran.filter((entry) => entry === name).length;
  }
}

@AfterPartyTask({ version: '20260101000001' })
class FirstTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(): Promise<void> {
    this.effects.ran.push('first');
  }
}

@AfterPartyTask({ version: '20260101000002' })
class SecondTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(): Promise<void> {
    this.effects.ran.push('second');
  }
}

@AfterPartyTask({ version: '20260101000003', everyDeploy: true })
class EachDeployTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(): Promise<void> {
    this.effects.ran.push('each-deploy');
  }
}

@AfterPartyTask({ version: '20260101000004' })
class FlakyTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(): Promise<void> {
    this.effects.ran.push('flaky');
    if (this.effects.failNext) {
      this.effects.failNext = false;
      throw new Error('flaked');
    }
  }
}

@AfterPartyTask({ version: '20260101000001' })
class HeldTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(): Promise<void> {
    await this.effects.hold();
    this.effects.ran.push('held');
  }
}

@AfterPartyTask({ version: '20260101000001' })
class StoppableTask implements DeployTask {
  constructor(private readonly effects: Effects) {}
  async run(ctx: TaskContext): Promise<void> {
    this.effects.ran.push('stoppable');
    const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    void this.effects.hold();
    await aborted;
  }
}

let moduleRef: TestingModule | undefined;

async function boot(...tasks: Array<new (...args: never[]) => DeployTask>): Promise<{ service: AfterPartyService; effects: Effects }> {
  moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [Effects, ...tasks] }).compile();
  await moduleRef.init();
  return { service: moduleRef.get(AfterPartyService), effects: moduleRef.get(Effects) };
}

afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

describe('AfterPartyService', () => {
  it('plans, runs pending tasks once, and reports status with a summary', async () => {
    const { service, effects } = await boot(FirstTask, SecondTask);

    expect(await service.plan()).toEqual([
      { version: '20260101000001', name: 'first', description: '', everyDeploy: false },
      { version: '20260101000002', name: 'second', description: '', everyDeploy: false },
    ]);
    const before = await service.status();
    expect(before.summary).toMatchObject({ pending: 2, completed: 0 });
    expect(before.needsAttention.map((row) => row.name)).toEqual(['first', 'second']);

    const report = await service.run();
    expect(report).toMatchObject({ ok: true, notRun: [], paused: false, lockLost: false });
    expect(report.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['first', 'completed'],
      ['second', 'completed'],
    ]);
    expect((await service.run()).outcomes).toEqual([]);
    expect(effects.ran).toEqual(['first', 'second']);
    expect(await service.plan()).toEqual([]);

    const status = await service.status();
    expect(status).toMatchObject({ store: 'memory', environment: 'test', needsAttention: [] });
    expect(status.summary).toMatchObject({ completed: 2, pending: 0 });
    expect(status.tasks.map((row) => [row.name, row.state, row.lastRunStatus])).toEqual([
      ['first', 'completed', 'completed'],
      ['second', 'completed', 'completed'],
    ]);
  });

  it('runs named tasks again by hand, and refuses unknown names before running anything', async () => {
    const { service, effects } = await boot(FirstTask, SecondTask);
    await service.run();

    expect(await service.plan({ tasks: ['first'] })).toEqual([expect.objectContaining({ name: 'first' })]);
    const manual = await service.run({ tasks: ['first'] });
    expect(manual.outcomes.map((outcome) => outcome.name)).toEqual(['first']);
    expect(effects.count('first')).toBe(2);
    expect(effects.count('second')).toBe(1);

    await expect(service.run({ tasks: ['nope'] })).rejects.toBeInstanceOf(UnknownTaskError);
    await expect(service.plan({ tasks: ['nope'] })).rejects.toBeInstanceOf(UnknownTaskError);
    expect(effects.ran).toHaveLength(3);
  });

  it('reports a failure without touching process.exitCode, and the next run retries it', async () => {
    const { service, effects } = await boot(FirstTask, FlakyTask);
    const exitCode = process.exitCode;

    const failed = await service.run();
    expect(failed.ok).toBe(false);
    expect(failed.outcomes.map((outcome) => [outcome.name, outcome.status, outcome.error])).toEqual([
      ['first', 'completed', null],
      ['flaky', 'failed', 'flaked'],
    ]);
    expect(process.exitCode).toBe(exitCode);
    const status = await service.status();
    expect(status.needsAttention.map((row) => [row.name, row.state, row.error])).toEqual([['flaky', 'failed', 'flaked']]);

    const retried = await service.run();
    expect(retried.ok).toBe(true);
    expect(retried.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['flaky', 'completed']]);
    expect(effects.ran).toEqual(['first', 'flaky', 'flaky']);
  });

  it('runs an every-deploy task once per deploy id', async () => {
    const { service, effects } = await boot(EachDeployTask);
    await service.run({ deployId: 'v1' });
    await service.run({ deployId: 'v1' });
    expect(await service.plan({ deployId: 'v1' })).toEqual([]);
    expect(await service.plan({ deployId: 'v2' })).toEqual([expect.objectContaining({ name: 'each-deploy', everyDeploy: true })]);
    await service.run({ deployId: 'v2' });
    expect(effects.count('each-deploy')).toBe(2);
  });

  it('marks tasks done without running them, and resets them', async () => {
    const { service, effects } = await boot(FirstTask, SecondTask, FlakyTask);

    expect(await service.markDone({ before: '20260101000002' })).toEqual([{ version: '20260101000001', name: 'first' }]);
    expect(await service.markDone({ tasks: ['flaky'] })).toEqual([{ version: '20260101000004', name: 'flaky' }]);
    expect(await service.markDone({ all: true })).toEqual([{ version: '20260101000002', name: 'second' }]);
    expect(await service.markDone({ all: true })).toEqual([]);
    expect((await service.status()).summary).toMatchObject({ marked: 3, pending: 0 });
    expect((await service.run()).outcomes).toEqual([]);
    expect(effects.ran).toEqual([]);

    expect(await service.reset('first')).toBe(1);
    expect(await service.reset('first')).toBe(0);
    expect((await service.plan()).map((task) => task.name)).toEqual(['first']);
    await service.run();
    expect(effects.ran).toEqual(['first']);
  });

  it('refuses unusable options with typed errors', async () => {
    const { service } = await boot(FirstTask);
    await expect(service.markDone({})).rejects.toThrow(/exactly one of them/);
    await expect(service.markDone({ all: true, before: '20260101000002' })).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(service.markDone({ before: 'yesterday' })).rejects.toThrow(/before needs a task version/);
    await expect(service.run({ lockTimeout: -1 })).rejects.toThrow(/lockTimeout must be a whole number/);
    await expect(service.run({ maxDuration: 'soon' })).rejects.toThrow(/maxDuration needs a duration/);
    await expect(service.run({ deployId: 'x'.repeat(256) })).rejects.toThrow(/pass a shorter deployId/);
    await expect(service.reset('')).rejects.toBeInstanceOf(InvalidOptionsError);
    await expect(service.pause('first')).rejects.toThrow(/is not a batched task/);
    expect((await service.status()).summary.pending).toBe(1);
  });

  it('cancels a task that is not running, and refuses to cancel a completed one', async () => {
    const { service, effects } = await boot(FirstTask, SecondTask);
    expect(await service.cancel('first')).toBe('cancelled');
    expect((await service.status()).tasks.map((row) => [row.name, row.state])).toEqual([
      ['first', 'cancelled'],
      ['second', 'pending'],
    ]);
    await service.run();
    expect(effects.ran).toEqual(['second']);
    await expect(service.cancel('second')).rejects.toThrow(/is completed: there is nothing to cancel/);
  });

  it('shares the lock with every runner: a second run waits for it, then finds nothing left to run', async () => {
    const { service, effects } = await boot(HeldTask);
    const first = service.run({ lockTimeout: 0 });
    await effects.arrived;

    await expect(service.run({ lockTimeout: 0 })).rejects.toBeInstanceOf(LockTimeoutError);
    let secondSettled = false;
    const second = service.run({ lockTimeout: 10_000 }).finally(() => (secondSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(secondSettled).toBe(false);

    effects.release();
    const [firstReport, secondReport] = await Promise.all([first, second]);
    expect(firstReport.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['held', 'completed']]);
    // It read what was pending only once it held the lock: the task ran exactly once.
    expect(secondReport).toMatchObject({ ok: true, outcomes: [] });
    expect(effects.ran).toEqual(['held']);
  });

  it('leaves SIGTERM and SIGINT to the app unless asked to handle them', async () => {
    const { service, effects } = await boot(HeldTask);
    const listeners = (): number => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
    const before = listeners();

    const run = service.run({ tasks: ['held'] });
    await effects.arrived;
    expect(listeners()).toBe(before);
    effects.release();
    await run;

    effects.arrived = new Promise<void>((resolve) => (effects.hold = async () => resolve()));
    const handled = service.run({ tasks: ['held'], handleSignals: true });
    await effects.arrived;
    expect(listeners()).toBe(before + 2);
    await handled;
    expect(listeners()).toBe(before);
  });

  it('stops a run gracefully when its AbortSignal aborts: the task is interrupted, later tasks do not start', async () => {
    const { service, effects } = await boot(StoppableTask, SecondTask);
    const controller = new AbortController();
    const run = service.run({ signal: controller.signal });
    await effects.arrived;
    controller.abort();

    const report = await run;
    expect(report.ok).toBe(false);
    expect(report.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['stoppable', 'interrupted']]);
    expect(report.outcomes[0].error).toMatch(/Interrupted by the AbortSignal of the run/);
    expect(report.notRun).toEqual(['20260101000002 second']);
    expect(effects.ran).toEqual(['stoppable']);

    const aborted = AbortSignal.abort();
    expect((await service.run({ signal: aborted })).outcomes).toEqual([]);
    expect(effects.ran).toEqual(['stoppable']);
  });

  it("stops its runs at the app's shutdown and waits for them to record how they ended", async () => {
    const { service, effects } = await boot(StoppableTask, SecondTask);
    const run = service.run();
    await effects.arrived;
    const store = moduleRef!.get('AFTER_PARTY_STORE') as { latestRuns(): Promise<Array<{ name: string; status: string; error: string | null }>> };

    await moduleRef!.close();
    moduleRef = undefined;
    const report = await run;
    expect(report.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([['stoppable', 'interrupted']]);
    expect(report.notRun).toEqual(['20260101000002 second']);
    expect(await store.latestRuns()).toEqual([
      expect.objectContaining({ name: 'stoppable', status: 'interrupted', error: expect.stringMatching(/Interrupted by the app shutdown/) }),
    ]);
  });
});
