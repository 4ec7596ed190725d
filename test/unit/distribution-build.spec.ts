import { buildFingerprint } from '../../lib/distribution/build-fingerprint';
import type { BatchContext, BatchedTask, KeysetCollection } from '../../lib/interfaces/batched-task.interface';
import { REDIS } from '../support/redis';
import { distributedTask, numbers, until, useSandbox, within } from './distribution-harness';

/** Who applied which batch, across the in-process workers of a test. */
const applied: Array<{ build: string; batch: number }> = [];

/** The task as the new build has it. */
class NewBuildTask implements BatchedTask<number, number> {
  collection(): KeysetCollection<number, number> {
    return numbers(20);
  }

  async processBatch(_items: number[], ctx: BatchContext): Promise<void> {
    applied.push({ build: 'new', batch: ctx.batch.number });
  }
}

/** The same task (same version, same name) as the previous build had it: other code. */
class OldBuildTask implements BatchedTask<number, number> {
  collection(): KeysetCollection<number, number> {
    return numbers(20);
  }

  async processBatch(_items: number[], ctx: BatchContext): Promise<void> {
    applied.push({ build: 'old', batch: ctx.batch.number * 1 });
  }
}

class Base {
  describe(): string {
    return 'base';
  }
}
class ChildOfBase extends Base {}
class ChildOfOtherBase extends class extends Base {
  override describe(): string {
    return 'other';
  }
} {}

describe('build fingerprint of a distributed task', () => {
  const fingerprint = (instance: object, env: NodeJS.ProcessEnv = {}) => buildFingerprint({ version: '20260101000099', instance: instance as never }, env);

  it('is the same for the same code and differs for other code, its base classes included', () => {
    expect(fingerprint(new NewBuildTask())).toBe(fingerprint(new NewBuildTask()));
    expect(fingerprint(new NewBuildTask())).not.toBe(fingerprint(new OldBuildTask()));
    expect(fingerprint(new ChildOfBase())).not.toBe(fingerprint(new ChildOfOtherBase()));
    expect(fingerprint(new NewBuildTask())).toMatch(/^code [0-9a-f]{12}$/);
  });

  it("is the app's build id when it gives one (AFTER_PARTY_BUILD_ID)", () => {
    expect(fingerprint(new NewBuildTask(), { AFTER_PARTY_BUILD_ID: 'a1b2c3' })).toBe('build a1b2c3');
    expect(fingerprint(new OldBuildTask(), { AFTER_PARTY_BUILD_ID: 'a1b2c3' })).toBe('build a1b2c3');
  });
});

(REDIS.available ? describe : describe.skip)('a worker of another build (a rolling deploy)', () => {
  const sandbox = useSandbox();

  beforeEach(() => {
    applied.length = 0;
  });

  it('leaves the batches for workers of the run’s build, spending no attempt, and the run says so', async () => {
    // One attempt: a job left by spending it would fail the run.
    const runner = sandbox.node();
    const run = sandbox.run(runner, distributedTask('rolling', new NewBuildTask(), { attempts: 1 }));
    sandbox.workers([distributedTask('rolling', new OldBuildTask(), { attempts: 1 })]);
    await until(() => sandbox.logs.lines.some((line) => /left for a worker of another build/.test(line)), 'the old worker leaving a batch');
    sandbox.workers([distributedTask('rolling', new NewBuildTask(), { attempts: 1 })]);

    // The old worker keeps taking the delayed batches back and leaving them (2 s each time) until
    // the new one wins them: seconds here, tens of seconds on a loaded 2-core machine.
    expect(await within(90_000, 'the run ending', run.end)).toEqual({ status: 'completed' });
    expect(applied.filter((batch) => batch.build === 'old')).toEqual([]);
    expect(applied.map((batch) => batch.batch).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    expect(run.lines.join('\n')).toMatch(/warn \d+ batch(es)? of rolling left for workers of another build/);
  }, 120_000);
});
