import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { holdBackWorkers, keepWorkersFromStarting, type WorkerLike } from '../../lib/quiet/queue-workers.hold';

const WORKER_METADATA = 'bullmq:worker_metadata';

@Processor('emails', { concurrency: 3 })
class EmailsProcessor extends WorkerHost {
  async process(): Promise<void> {}
}

@Processor('exports')
class ExportsProcessor extends WorkerHost {
  async process(): Promise<void> {}
}

class NotAProcessor {}

const classProvider = (metatype: object, instance?: object): InstanceWrapper =>
  ({ metatype, instance }) as unknown as InstanceWrapper;

describe('keepWorkersFromStarting', () => {
  it("sets autorun: false on the app's processors, keeping their other worker options", () => {
    keepWorkersFromStarting([
      classProvider(EmailsProcessor),
      classProvider(ExportsProcessor),
      classProvider(NotAProcessor),
      // A factory provider not created yet: its class is unknown.
      { metatype: () => new ExportsProcessor(), inject: [], instance: undefined } as unknown as InstanceWrapper,
    ]);

    expect(Reflect.getMetadata(WORKER_METADATA, EmailsProcessor)).toEqual({ concurrency: 3, autorun: false });
    expect(Reflect.getMetadata(WORKER_METADATA, ExportsProcessor)).toEqual({ autorun: false });
    expect(Reflect.getMetadata(WORKER_METADATA, NotAProcessor)).toBeUndefined();
  });
});

describe('holdBackWorkers', () => {
  const worker = (name: string, running: boolean): WorkerLike & { pause: jest.Mock } => ({
    name,
    isRunning: () => running,
    isPaused: () => false,
    pause: jest.fn(async () => undefined),
  });
  const withWorker = <T extends WorkerHost>(processor: T, queueWorker: WorkerLike): T =>
    Object.assign(processor, { _worker: queueWorker });

  it("lists the app's workers and pauses one that runs anyway", async () => {
    const idle = worker('emails', false);
    const started = worker('exports', true);

    const held = await holdBackWorkers([
      classProvider(EmailsProcessor, withWorker(new EmailsProcessor(), idle)),
      classProvider(ExportsProcessor, withWorker(new ExportsProcessor(), started)),
      // Registered manually and not yet: no worker.
      classProvider(ExportsProcessor, new ExportsProcessor()),
    ]);

    expect(held.map((w) => w.name)).toEqual(['emails', 'exports']);
    expect(idle.pause).not.toHaveBeenCalled();
    expect(started.pause).toHaveBeenCalledWith(true);
  });
});
