import { Controller, Get, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { AfterPartyService, AfterPartyTask, type DeployTask } from '../../lib';
import { AFTER_PARTY_STORE } from '../../lib/config/after-party.constants';
import { AfterPartyTestingModule } from '../../lib/testing';
import { AfterPartyHealthIndicator, type AfterPartyHealthOptions } from '../../lib/terminus';

@Injectable()
class Switches {
  fail = false;
}

@AfterPartyTask({ version: '20260101000001' })
class FirstTask implements DeployTask {
  async run(): Promise<void> {}
}

@AfterPartyTask({ version: '20260101000002' })
class SecondTask implements DeployTask {
  constructor(private readonly switches: Switches) {}
  async run(): Promise<void> {
    if (this.switches.fail) {
      throw new Error('second broke\nwith a second line of detail');
    }
  }
}

/** A health controller as an app writes it. */
@Controller('health')
class HealthController {
  options: AfterPartyHealthOptions = {};

  constructor(
    private readonly health: HealthCheckService,
    private readonly afterParty: AfterPartyHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.afterParty.isHealthy('after-party', this.options)]);
  }
}

let moduleRef: TestingModule | undefined;

async function boot(): Promise<{ controller: HealthController; service: AfterPartyService; switches: Switches }> {
  moduleRef = await Test.createTestingModule({
    imports: [AfterPartyTestingModule.forRoot(), TerminusModule.forRoot({ logger: false })],
    controllers: [HealthController],
    providers: [AfterPartyHealthIndicator, Switches, FirstTask, SecondTask],
  }).compile();
  await moduleRef.init();
  return { controller: moduleRef.get(HealthController), service: moduleRef.get(AfterPartyService), switches: moduleRef.get(Switches) };
}

/** The body of a 503 from HealthCheckService. */
async function unavailable(check: Promise<HealthCheckResult>): Promise<HealthCheckResult> {
  const error: unknown = await check.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ServiceUnavailableException);
  return (error as ServiceUnavailableException).getResponse() as HealthCheckResult;
}

const ZERO = { completed: 0, marked: 0, pending: 0, failed: 0, interrupted: 0, running: 0, paused: 0, cancelled: 0, excluded: 0, 'no-task': 0 };

afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

describe('AfterPartyHealthIndicator with TerminusModule', () => {
  it('is up when every task is completed', async () => {
    const { controller, service } = await boot();
    await service.run();
    expect(await controller.ready()).toEqual({
      status: 'ok',
      info: { 'after-party': { status: 'up', environment: 'test', summary: { ...ZERO, completed: 2 }, tasks: [] } },
      error: {},
      details: { 'after-party': { status: 'up', environment: 'test', summary: { ...ZERO, completed: 2 }, tasks: [] } },
    });
  });

  it('is down while tasks are pending by default, and up with them listed when pending is not down', async () => {
    const { controller, service } = await boot();
    await service.run({ tasks: ['first'] });

    const body = await unavailable(controller.ready());
    expect(body.status).toBe('error');
    expect(body.error).toEqual({
      'after-party': {
        status: 'down',
        message: '20260101000002 second is pending',
        environment: 'test',
        summary: { ...ZERO, completed: 1, pending: 1 },
        tasks: [{ version: '20260101000002', name: 'second', state: 'pending', error: null }],
      },
    });

    controller.options = { downOn: ['failed', 'interrupted'] };
    const relaxed = await controller.ready();
    expect(relaxed.status).toBe('ok');
    expect(relaxed.info?.['after-party']).toMatchObject({ status: 'up', tasks: [{ name: 'second', state: 'pending' }] });
  });

  it('is down with the error when a task failed, whatever pending counts for', async () => {
    const { controller, service, switches } = await boot();
    switches.fail = true;
    await service.run();

    controller.options = { downOn: ['failed', 'interrupted'] };
    const body = await unavailable(controller.ready());
    expect(body.error?.['after-party']).toEqual({
      status: 'down',
      message: '20260101000002 second is failed',
      environment: 'test',
      summary: { ...ZERO, completed: 1, failed: 1 },
      tasks: [{ version: '20260101000002', name: 'second', state: 'failed', error: 'second broke' }],
    });

    switches.fail = false;
    await service.run();
    expect((await controller.ready()).status).toBe('ok');
  });

  it('is down, not erroring, when the records cannot be read in time', async () => {
    const { controller } = await boot();
    const store = moduleRef!.get(AFTER_PARTY_STORE);

    jest.spyOn(store, 'latestRuns').mockRejectedValueOnce(new Error('connection refused\nat some driver frame'));
    expect((await unavailable(controller.ready())).error).toEqual({
      'after-party': { status: 'down', message: 'Could not read the after-party records: connection refused' },
    });

    jest.spyOn(store, 'latestRuns').mockReturnValueOnce(new Promise(() => undefined));
    controller.options = { timeout: 50 };
    expect((await unavailable(controller.ready())).error).toEqual({
      'after-party': { status: 'down', message: 'Could not read the after-party records: timeout of 50 ms exceeded' },
    });
  });

  it('refuses states that do not exist', async () => {
    await boot();
    const indicator = moduleRef!.get(AfterPartyHealthIndicator);
    await expect(indicator.isHealthy('after-party', { downOn: ['broken' as 'failed'] })).rejects.toThrow(/downOn takes task states .*not "broken"/);
  });
});
