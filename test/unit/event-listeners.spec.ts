import { Injectable, Logger, Scope } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AfterPartyEvents,
  AfterPartyService,
  AfterPartyTask,
  OnAfterPartyEvent,
  type AfterPartyEvent,
  type AfterPartyEventOf,
  type BatchedTask,
  type DeployTask,
  type KeysetCollection,
  type TaskContext,
} from '../../lib';
import { AfterPartyTestingModule } from '../../lib/testing';

@AfterPartyTask({ version: '20260101000001' })
class ProgressTask implements DeployTask {
  async run(ctx: TaskContext): Promise<void> {
    ctx.progress.setTotal(2);
    ctx.progress.advance(2);
  }
}

@AfterPartyTask({ version: '20260101000002' })
class CompletingTask implements DeployTask {
  async run(): Promise<void> {}
}

@AfterPartyTask({ version: '20260101000003' })
class FailingTask implements DeployTask {
  async run(): Promise<void> {
    throw new Error('boom');
  }
}

/** Three items, one per batch. */
function threeItems(): KeysetCollection<number, number> {
  const items = [1, 2, 3];
  return { page: async (after, limit) => items.filter((item) => after === undefined || item > after).slice(0, limit), cursorOf: (item) => item };
}

// A pause between batches longer than the runner's control poll, so the request made during the first batch is seen after it.
@AfterPartyTask({ version: '20260101000004', batch: { size: 1, pause: 1100 } })
class PausedBatchTask implements BatchedTask<number, number> {
  constructor(private readonly afterParty: AfterPartyService) {}
  collection(): KeysetCollection<number, number> {
    return threeItems();
  }
  async processBatch(): Promise<void> {
    await this.afterParty.pause('paused-batch');
  }
}

@AfterPartyTask({ version: '20260101000005', batch: { size: 1, pause: 1100 } })
class CancelledBatchTask implements BatchedTask<number, number> {
  constructor(private readonly afterParty: AfterPartyService) {}
  collection(): KeysetCollection<number, number> {
    return threeItems();
  }
  async processBatch(): Promise<void> {
    await this.afterParty.cancel('cancelled-batch');
  }
}

/** Records every event it hears, by decorated methods. */
@Injectable()
class RecordingListener {
  readonly heard: AfterPartyEvent[] = [];

  @OnAfterPartyEvent('run.started', 'run.finished')
  onRun(event: AfterPartyEventOf<'run.started' | 'run.finished'>): void {
    this.heard.push(event);
  }

  @OnAfterPartyEvent('task.started')
  @OnAfterPartyEvent('task.progress')
  onTaskActivity(event: AfterPartyEventOf<'task.started' | 'task.progress'>): void {
    this.heard.push(event);
  }

  @OnAfterPartyEvent('task.completed', 'task.failed', 'task.paused', 'task.cancelled')
  async onTaskEnd(event: AfterPartyEventOf<'task.completed' | 'task.failed' | 'task.paused' | 'task.cancelled'>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.heard.push(event);
  }

  /** Event types in order, consecutive progress updates counted once (how many there are depends on timing). */
  types(): string[] {
    return this.heard.map((event) => event.type).filter((type, index, types) => type !== 'task.progress' || types[index - 1] !== 'task.progress');
  }
}

@Injectable()
class ThrowingListener {
  @OnAfterPartyEvent('task.completed')
  onCompleted(): void {
    throw new Error('listener exploded');
  }

  @OnAfterPartyEvent('run.finished')
  async onFinished(): Promise<void> {
    throw new Error('listener rejected');
  }
}

@Injectable({ scope: Scope.REQUEST })
class PerRequestListener {
  static heard = 0;
  @OnAfterPartyEvent('run.finished')
  onFinished(): void {
    PerRequestListener.heard += 1;
  }
}

/** Hears the events on EventEmitter2, as an app's `@OnEvent()` listeners do. */
@Injectable()
class EmitterListener {
  readonly heard: string[] = [];

  @OnEvent('after-party.task.completed')
  onCompleted(event: AfterPartyEventOf<'task.completed'>): void {
    this.heard.push(`completed ${event.name}`);
  }

  @OnEvent('after-party.run.finished')
  async onFinished(event: AfterPartyEventOf<'run.finished'>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.heard.push(`finished ok=${event.report.ok}`);
  }

  @OnEvent('after-party.task.started')
  onStarted(): void {
    throw new Error('emitter listener exploded');
  }
}

@Injectable()
class WildcardListener {
  readonly heard: string[] = [];

  @OnEvent('after-party.**')
  onAny(event: AfterPartyEvent): void {
    this.heard.push(event.type);
  }
}

let moduleRef: TestingModule | undefined;

async function boot(imports: unknown[], providers: unknown[]): Promise<TestingModule> {
  moduleRef = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot(), ...(imports as never[])], providers: providers as never[] }).compile();
  await moduleRef.init();
  return moduleRef;
}

afterEach(async () => {
  jest.restoreAllMocks();
  await moduleRef?.close();
  moduleRef = undefined;
});

describe('@OnAfterPartyEvent listeners', () => {
  it('hear every event of a run in order, with its payload', async () => {
    const app = await boot([], [ProgressTask, CompletingTask, FailingTask, RecordingListener]);
    const report = await app.get(AfterPartyService).run();
    const listener = app.get(RecordingListener);

    expect(listener.types()).toEqual([
      'run.started',
      'task.started',
      'task.progress',
      'task.completed',
      'task.started',
      'task.completed',
      'task.started',
      'task.failed',
      'run.finished',
    ]);
    const [started, progressStarted] = listener.heard;
    expect(started).toEqual({
      type: 'run.started',
      deployId: null,
      tasks: [
        { version: '20260101000001', name: 'progress' },
        { version: '20260101000002', name: 'completing' },
        { version: '20260101000003', name: 'failing' },
      ],
    });
    expect(progressStarted).toEqual({ type: 'task.started', kind: 'deploy', version: '20260101000001', name: 'progress', runId: expect.any(String) });
    const progress = listener.heard.filter((event): event is AfterPartyEventOf<'task.progress'> => event.type === 'task.progress');
    expect(progress.at(-1)).toMatchObject({ name: 'progress', runId: progressStarted.type === 'task.started' && progressStarted.runId, progress: { done: 2, total: 2 } });
    expect(listener.heard.find((event) => event.type === 'task.completed')).toEqual({
      type: 'task.completed',
      version: '20260101000001',
      name: 'progress',
      runId: expect.any(String),
      durationMs: expect.any(Number),
    });
    expect(listener.heard.find((event) => event.type === 'task.failed')).toEqual({
      type: 'task.failed',
      version: '20260101000003',
      name: 'failing',
      runId: expect.any(String),
      status: 'failed',
      error: 'boom',
      durationMs: expect.any(Number),
    });
    expect(listener.heard.at(-1)).toEqual({ type: 'run.finished', report });
  });

  it('hear a batched task paused, then one cancelled, after its batch', async () => {
    const app = await boot([], [PausedBatchTask, CancelledBatchTask, RecordingListener]);
    const service = app.get(AfterPartyService);
    const listener = app.get(RecordingListener);

    const paused = await service.run();
    expect(paused).toMatchObject({ ok: false, paused: true, notRun: ['20260101000005 cancelled-batch'] });
    const cancelled = await service.run({ tasks: ['cancelled-batch'] });
    expect(cancelled.outcomes.map((outcome) => outcome.status)).toEqual(['cancelled']);

    const ends = listener.heard.filter((event) => event.type === 'task.paused' || event.type === 'task.cancelled');
    expect(ends).toEqual([
      { type: 'task.paused', version: '20260101000004', name: 'paused-batch', runId: expect.any(String), reason: expect.stringMatching(/^Paused on an operator's request/), durationMs: expect.any(Number) },
      { type: 'task.cancelled', version: '20260101000005', name: 'cancelled-batch', runId: expect.any(String), reason: expect.stringMatching(/^Cancelled on an operator's request/), durationMs: expect.any(Number) },
    ]);
    expect(listener.types().filter((type) => type !== 'task.progress')).toEqual([
      'run.started',
      'task.started',
      'task.paused',
      'run.finished',
      'run.started',
      'task.started',
      'task.cancelled',
      'run.finished',
    ]);
  });

  it('a listener that throws or rejects is logged and changes nothing: the run goes on, other listeners still hear it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot([], [CompletingTask, FailingTask, RecordingListener, ThrowingListener]);
    const viaOn: string[] = [];
    app.get(AfterPartyEvents).on('task.completed', (event) => void viaOn.push(event.name));

    const report = await app.get(AfterPartyService).run();
    expect(report.outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['completing', 'completed'],
      ['failing', 'failed'],
    ]);
    expect(app.get(RecordingListener).types()).toEqual(['run.started', 'task.started', 'task.completed', 'task.started', 'task.failed', 'run.finished']);
    expect(viaOn).toEqual(['completing']);
    const warnings = warn.mock.calls.map(([message]) => String(message));
    expect(warnings).toEqual(
      expect.arrayContaining([
        'ThrowingListener.onCompleted failed on "task.completed": listener exploded',
        'ThrowingListener.onFinished failed on "run.finished": listener rejected',
      ]),
    );
  });

  it('hear events through a method inherited from a base class, and through an instance given with useValue', async () => {
    class BaseListener {
      finished = 0;
      @OnAfterPartyEvent('run.finished')
      onFinished(): void {
        this.finished++;
      }
    }
    @Injectable()
    class InheritingListener extends BaseListener {}
    const given = new BaseListener();
    const app = await boot([], [CompletingTask, InheritingListener, { provide: 'GIVEN_LISTENER', useValue: given }]);
    await app.get(AfterPartyService).run();
    expect({ inherited: app.get(InheritingListener).finished, given: given.finished }).toEqual({ inherited: 1, given: 1 });
  });

  it('skips a request-scoped provider with a warning', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const app = await boot([], [CompletingTask, PerRequestListener]);
    await app.get(AfterPartyService).run();
    expect(PerRequestListener.heard).toBe(0);
    expect(warn.mock.calls.map(([message]) => String(message))).toContain(
      'PerRequestListener.onFinished listens to after-party events but is request-scoped (or depends on a request-scoped provider): it is not subscribed.',
    );
  });

  it('refuses at bootstrap a listener of an event that does not exist', async () => {
    @Injectable()
    class TypoListener {
      @OnAfterPartyEvent('task.done' as 'task.completed')
      onDone(): void {}
    }
    const testing = await Test.createTestingModule({ imports: [AfterPartyTestingModule.forRoot()], providers: [TypoListener] }).compile();
    await expect(testing.init()).rejects.toThrow(/@OnAfterPartyEvent\("task.done"\) on TypoListener.onDone names no after-party event: use one of run.started, .*run.finished\./);
  });
});

describe('events on EventEmitter2 (@nestjs/event-emitter)', () => {
  it('are emitted as after-party.<type> and awaited; an @OnEvent listener that throws changes nothing', async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const app = await boot([EventEmitterModule.forRoot()], [CompletingTask, FailingTask, EmitterListener, RecordingListener]);
    const report = await app.get(AfterPartyService).run();

    expect(report.outcomes.map((outcome) => outcome.status)).toEqual(['completed', 'failed']);
    // The run.finished listener waits 20 ms: the run resolved only after it.
    expect(app.get(EmitterListener).heard).toEqual(['completed completing', 'finished ok=false']);
    expect(app.get(RecordingListener).types()).toEqual(['run.started', 'task.started', 'task.completed', 'task.started', 'task.failed', 'run.finished']);
  });

  it('reach wildcard listeners, every type', async () => {
    const app = await boot([EventEmitterModule.forRoot({ wildcard: true })], [ProgressTask, FailingTask, WildcardListener]);
    await app.get(AfterPartyService).run();
    const heard = app.get(WildcardListener).heard.filter((type, index, all) => type !== 'task.progress' || all[index - 1] !== 'task.progress');
    expect(heard).toEqual(['run.started', 'task.started', 'task.progress', 'task.completed', 'task.started', 'task.failed', 'run.finished']);
  });

  it('are not needed: without EventEmitterModule, runs and listeners work as before', async () => {
    const app = await boot([], [CompletingTask, RecordingListener, EmitterListener]);
    const report = await app.get(AfterPartyService).run();
    expect(report.ok).toBe(true);
    expect(app.get(EmitterListener).heard).toEqual([]);
    expect(app.get(RecordingListener).types()).toEqual(['run.started', 'task.started', 'task.completed', 'run.finished']);
  });
});
