import fc from 'fast-check';
import type { TaskCandidate } from '../../lib/discovery/task-candidate.interface';
import { versionProblem } from '../../lib/discovery/task-version';
import { validateTasks } from '../../lib/discovery/validate-tasks';
import { DuplicateTaskNameError } from '../../lib/errors/duplicate-task-name.error';
import { DuplicateTaskVersionError } from '../../lib/errors/duplicate-task-version.error';
import { InvalidTaskClassError } from '../../lib/errors/invalid-task-class.error';
import { InvalidTaskVersionError } from '../../lib/errors/invalid-task-version.error';

const runnable = { run: async () => undefined };
const candidate = (className: string, version: unknown, extra: Partial<TaskCandidate> = {}): TaskCandidate => ({
  className,
  options: { version: version as string },
  instance: runnable,
  scope: 'static',
  ...extra,
});

describe('validateTasks', () => {
  it('orders tasks by version and derives names, descriptions and flags', () => {
    const tasks = validateTasks([
      candidate('WarmCacheTask', '20260301000000', { options: { version: '20260301000000', everyDeploy: true, description: 'Warm' } }),
      candidate('BackfillUserSlugsTask', '20260101000000'),
      candidate('ImportHTTPLogsTask', '20260201000000', { options: { version: '20260201000000', timeout: 5000, transaction: true } }),
    ]);
    expect(tasks.map((t) => [t.version, t.name])).toEqual([
      ['20260101000000', 'backfill-user-slugs'],
      ['20260201000000', 'import-http-logs'],
      ['20260301000000', 'warm-cache'],
    ]);
    expect(tasks[2]).toMatchObject({ everyDeploy: true, description: 'Warm', transaction: false, timeout: null });
    expect(tasks[1]).toMatchObject({ everyDeploy: false, description: '', transaction: true, timeout: 5000 });
  });

  it.each([
    ['2026010100000', 'exactly 14 digits'],
    ['2026-01-01T00', 'exactly 14 digits'],
    ['20260230000000', 'not a real date and time'],
    ['20260101246000', 'not a real date and time'],
    [20260101000000, 'must be a string'],
    [undefined, 'must be a string'],
  ])('rejects version %p (%s) with an error naming the class and the format', (version, reason) => {
    const attempt = () => validateTasks([candidate('BadTask', version)]);
    expect(attempt).toThrow(InvalidTaskVersionError);
    expect(attempt).toThrow(new RegExp(`Task BadTask has an invalid version .*${reason}.*YYYYMMDDHHMMSS`));
  });

  it('accepts exactly the 14-digit versions that round-trip through a UTC Date from 1970 on (leap years, month ends, 24:00 and :60 refused)', () => {
    const twoDigits = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const timestamp = fc
      .tuple(fc.integer({ min: 1900, max: 2500 }).map(String), twoDigits(13), twoDigits(32), twoDigits(24), twoDigits(60), twoDigits(60))
      .map((parts) => parts.join(''));
    const byDate = (version: string): boolean => {
      const [year, month, day, hour, minute, second] = (/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version) as RegExpExecArray).slice(1).map(Number);
      const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
      const same = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
      return year >= 1970 && same.join() === [year, month, day, hour, minute, second].join();
    };
    fc.assert(
      fc.property(timestamp, (version) => (versionProblem(version) === null) === byDate(version)),
      { numRuns: 5000, examples: [['20000229000000'], ['19000229000000'], ['21000229000000'], ['20240229235959'], ['19691231235959'], ['20261231240000']] },
    );
  });

  it.each([
    ['Sync3dModelsTask', 'sync3d-models'],
    ['BackfillV2Task', 'backfill-v2'],
    ['V2BackfillTask', 'v2-backfill'],
    ['ImportS3FilesTask', 'import-s3-files'],
    ['HTTPSRedirectsTask', 'https-redirects'],
    ['Fix2faTask', 'fix2fa'],
  ])('derives the name of %p, which sets none, as %p', (className, name) => {
    expect(validateTasks([candidate(className, '20260101000000')])[0].name).toBe(name);
  });

  it('decides each task\'s kind once: plain with run(), batched with collection() and processBatch(), distributed with batch.distribute', () => {
    const batched = { collection: () => undefined, processBatch: async () => undefined };
    const tasks = validateTasks([
      candidate('PlainTask', '20260101000001'),
      candidate('BatchedTask', '20260101000002', { instance: batched, options: { version: '20260101000002', batch: { size: 10 } } }),
      candidate('SpreadTask', '20260101000003', { instance: batched, options: { version: '20260101000003', batch: { distribute: { queue: 'spread' } } } }),
      candidate('OffTask', '20260101000004', { instance: batched, options: { version: '20260101000004', batch: { distribute: false } } }),
    ]);
    expect(tasks.map((task) => [task.name, task.kind, task.batch?.distribute?.queue ?? null])).toEqual([
      ['plain', 'plain', null],
      ['batched', 'batched', null],
      ['spread', 'distributed', 'spread'],
      ['off', 'batched', null],
    ]);
  });

  const both = { collection: () => undefined, processBatch: async () => undefined };
  it.each([
    ['batch options on a plain task', runnable, { batch: { size: 10 } }, /has batch options but no processBatch\(\).*implement BatchedTask/],
    ['no run() and no batch methods', {}, {}, /has no run\(\) method.*implement DeployTask/],
    ['processBatch() alone', { processBatch: both.processBatch }, {}, /is a batched task without collection\(\)/],
    ['run() and processBatch()', { ...both, run: runnable.run }, {}, /has both run\(\) and processBatch\(\)/],
    ['transaction: true on a batched task', both, { transaction: true }, /Use `batch: \{ transaction: true \}`/],
    ['batch that is not an object', both, { batch: 5 }, /has batch 5.*\{ size: 1000 \}/],
    ['batch.size of 0', both, { batch: { size: 0 } }, /has batch.size 0.*from 1 to 100000/],
    ['batch.distribute that is a string', both, { batch: { distribute: 'yes' } }, /has batch.distribute "yes"/],
    ['a queue name with a colon', both, { batch: { distribute: { queue: 'a:b' } } }, /has batch.distribute.queue "a:b".*cannot hold ":"/],
    ['a concurrency of 0', both, { batch: { distribute: { concurrency: 0 } } }, /has batch.distribute.concurrency 0.*from 1 to 1000/],
  ])('refuses %s, naming the fix', (_, instance, options, message) => {
    const attempt = () => validateTasks([candidate('OddTask', '20260101000001', { instance, options: { version: '20260101000001', ...options } as never })]);
    expect(attempt).toThrow(InvalidTaskClassError);
    expect(attempt).toThrow(message);
  });

  it('settles a distributed task\'s queue name from its name, and leaves its limits to the module', () => {
    const [task] = validateTasks([candidate('SpreadTask', '20260101000001', { instance: both, options: { version: '20260101000001', batch: { distribute: true } } })]);
    expect(task.batch).toEqual({ size: 1000, transaction: false, pause: 0, maxBackoff: 30_000, distribute: { queue: 'after-party-spread', concurrency: null, attempts: null } });
  });

  it('keeps a name the decorator sets, as the generator writes it', () => {
    const [task] = validateTasks([candidate('Sync3dModelsTask', '20260101000000', { options: { version: '20260101000000', name: 'sync-3d-models' } })]);
    expect(task.name).toBe('sync-3d-models');
  });

  it('rejects duplicate versions naming both classes', () => {
    expect(() => validateTasks([candidate('ATask', '20260101000000'), candidate('BTask', '20260101000000')])).toThrow(
      new DuplicateTaskVersionError('20260101000000', 'ATask', 'BTask').message,
    );
  });

  it('rejects duplicate names', () => {
    const attempt = () =>
      validateTasks([
        candidate('ATask', '20260101000000', { options: { version: '20260101000000', name: 'same' } }),
        candidate('BTask', '20260101000001', { options: { version: '20260101000001', name: 'same' } }),
      ]);
    expect(attempt).toThrow(DuplicateTaskNameError);
    expect(attempt).toThrow(/ATask and BTask both have the name "same"/);
  });

  it('rejects a class without run()', () => {
    expect(() => validateTasks([candidate('NoRunTask', '20260101000000', { instance: {} })])).toThrow(/Task NoRunTask has no run\(\) method/);
  });

  it.each(['request', 'transient'] as const)('rejects %s-scoped tasks saying why', (scope) => {
    const attempt = () => validateTasks([candidate('ScopedTask', '20260101000000', { scope, instance: undefined })]);
    expect(attempt).toThrow(InvalidTaskClassError);
    expect(attempt).toThrow(new RegExp(`is ${scope}-scoped .*Tasks run outside any request`));
  });

  it.each(['', 'has space', '20260101000000', '-leading'])('rejects the unusable name %p', (name) => {
    expect(() => validateTasks([candidate('NamedTask', '20260101000000', { options: { version: '20260101000000', name } })])).toThrow(/unusable name/);
  });

  it.each([0, -5, 1.5, 2 ** 31, 30 * 24 * 3600 * 1000])('rejects timeout %p, naming the range Node timers honour', (timeout) => {
    expect(() => validateTasks([candidate('SlowTask', '20260101000000', { options: { version: '20260101000000', timeout } })])).toThrow(
      /has timeout .*whole number of milliseconds from 1 to 2147483647 \(about 24\.8 days/,
    );
  });

  it('accepts the longest timeout Node timers honour', () => {
    const [task] = validateTasks([candidate('SlowTask', '20260101000000', { options: { version: '20260101000000', timeout: 2 ** 31 - 1 } })]);
    expect(task.timeout).toBe(2 ** 31 - 1);
  });
});
