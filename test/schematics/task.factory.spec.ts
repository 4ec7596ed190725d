import { SchematicsException } from '@angular-devkit/schematics';
import { createAppTree, snapshotTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';
import { TASK_OPTION_REFUSALS } from './helpers/refusals';

const TASK = 'src/deploy-tasks/20261126094512-backfill-user-slugs.task.ts';
const SPEC = 'src/deploy-tasks/20261126094512-backfill-user-slugs.task.spec.ts';
const MODULE = 'src/deploy-tasks/deploy-tasks.module.ts';

describe('task schematic', () => {
  const runner = createRunner();

  beforeEach(() => freezeClock('2026-11-26T09:45:12.345Z'));
  afterEach(() => jest.restoreAllMocks());

  it('creates the task, named by its UTC version, with a description made from the name', async () => {
    const tree = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());

    expect(tree.files).toEqual(expect.arrayContaining([`/${TASK}`, `/${SPEC}`, `/${MODULE}`]));
    expect(tree.readContent(TASK)).toBe(`import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';

@AfterPartyTask({
  version: '20261126094512',
  name: 'backfill-user-slugs',
  description: 'Backfill user slugs',
})
export class BackfillUserSlugsTask implements DeployTask {
  // Make it \`async run(ctx: TaskContext): Promise<void>\` once it awaits something.
  run(ctx: TaskContext): void {
    // Runs once per environment, after the deploy that ships it; a failed run is retried next time.
    // Inject repositories or services through a constructor, work in batches,
    // stop early when ctx.signal.aborted is true, and report with ctx.logger.
    ctx.logger.log('Backfill user slugs: nothing to do yet');
  }
}
`);
  });

  it('uses --description, escaped for a single-quoted string', async () => {
    const tree = await runner.runSchematic(
      'task',
      { name: 'backfill-user-slugs', description: "Fill users' slugs \\ fast" },
      createAppTree(),
    );

    expect(tree.readContent(TASK)).toContain("description: 'Fill users\\' slugs \\\\ fast',");
  });

  it('normalises camelCase names and drops a trailing "task"', async () => {
    const tree = await runner.runSchematic('task', { name: 'warmCacheTask' }, createAppTree());

    const content = tree.readContent('src/deploy-tasks/20261126094512-warm-cache.task.ts');
    expect(content).toContain('export class WarmCacheTask implements DeployTask');
    expect(content).toContain("name: 'warm-cache',");
    expect(content).toContain("description: 'Warm cache',");
  });

  it('writes a spec that runs the task through AfterPartyTester', async () => {
    const tree = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());

    const spec = tree.readContent(SPEC);
    expect(spec).toContain("import { AfterPartyTester, AfterPartyTestingModule } from 'after-party/testing';");
    expect(spec).toContain("import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';");
    expect(spec).toContain('imports: [AfterPartyTestingModule.forRoot()],');
    expect(spec).toContain('providers: [BackfillUserSlugsTask],');
    expect(spec).toContain('await moduleRef.init();');
    expect(spec).toContain('const record = await tester.run(BackfillUserSlugsTask);');
    expect(spec).toContain("expect(record.status).toBe('completed');");
    expect(spec).toContain('await moduleRef?.close();'); // no second error when the module failed to compile
  });

  it('skips the spec with spec: false and honours specFileSuffix', async () => {
    const withoutSpec = await runner.runSchematic('task', { name: 'a', spec: false }, createAppTree());
    expect(withoutSpec.files.filter((path) => path.includes('.spec.'))).toEqual([]);

    const withSuffix = await runner.runSchematic('task', { name: 'a', specFileSuffix: 'test' }, createAppTree());
    expect(withSuffix.exists('src/deploy-tasks/20261126094512-a.task.test.ts')).toBe(true);
  });

  it('creates the deploy tasks module, registers the task and imports the module into AppModule', async () => {
    const tree = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());

    expect(tree.readContent(MODULE)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';",
    );
    expect(tree.readContent(MODULE)).toContain('providers: [BackfillUserSlugsTask],');
    const appModule = tree.readContent('src/app.module.ts');
    expect(appModule).toContain("import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module';");
    expect(appModule).toContain('imports: [DeployTasksModule],');
  });

  it('adds a second task to the existing module without touching AppModule again', async () => {
    const first = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());
    const appModule = first.readContent('src/app.module.ts');
    const second = await runner.runSchematic('task', { name: 'fix-emails' }, first);

    expect(second.readContent(MODULE)).toContain('providers: [BackfillUserSlugsTask, FixEmailsTask],');
    expect(second.readContent('src/app.module.ts')).toBe(appModule);
  });

  it('bumps the version by a second when a task already uses this second', async () => {
    const first = await runner.runSchematic('task', { name: 'one' }, createAppTree());
    const second = await runner.runSchematic('task', { name: 'two' }, first);
    const third = await runner.runSchematic('task', { name: 'three' }, second);

    expect(third.exists('src/deploy-tasks/20261126094512-one.task.ts')).toBe(true);
    expect(third.exists('src/deploy-tasks/20261126094513-two.task.ts')).toBe(true);
    expect(third.readContent('src/deploy-tasks/20261126094514-three.task.ts')).toContain(
      "version: '20261126094514',",
    );
  });

  it('counts versions written in decorators of hand-named files', async () => {
    const app = createAppTree({
      files: {
        'src/deploy-tasks/legacy.ts': "@AfterPartyTask({ version: '20261126094512', description: 'x' })\n",
      },
    });
    const tree = await runner.runSchematic('task', { name: 'next' }, app);

    expect(tree.exists('src/deploy-tasks/20261126094513-next.task.ts')).toBe(true);
  });

  it('adds .js suffixes to relative imports in ESM projects', async () => {
    const tree = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree({ esm: true }));

    expect(tree.readContent(SPEC)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task.js';",
    );
    expect(tree.readContent(MODULE)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task.js';",
    );
    expect(tree.readContent('src/app.module.ts')).toContain(
      "import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module.js';",
    );
    expect(tree.readContent(TASK)).toContain("from 'after-party';");
  });

  it('registers nothing with skipImport', async () => {
    const app = createAppTree();
    const before = app.readContent('src/app.module.ts');
    const tree = await runner.runSchematic('task', { name: 'a', skipImport: true }, app);

    expect(tree.exists(MODULE)).toBe(false);
    expect(tree.readContent('src/app.module.ts')).toBe(before);
  });

  it('places tasks under --path, or directly in it with flat', async () => {
    const nested = await runner.runSchematic('task', { name: 'a', path: 'billing' }, createAppTree());
    expect(nested.exists('src/billing/deploy-tasks/20261126094512-a.task.ts')).toBe(true);
    expect(nested.readContent('src/app.module.ts')).toContain(
      "import { DeployTasksModule } from './billing/deploy-tasks/deploy-tasks.module';",
    );

    const flat = await runner.runSchematic('task', { name: 'a', path: 'jobs', flat: true }, createAppTree());
    expect(flat.exists('src/jobs/20261126094512-a.task.ts')).toBe(true);
    expect(flat.exists('src/jobs/deploy-tasks.module.ts')).toBe(true);
  });

  it('reuses a deploy tasks module found elsewhere under the source root', async () => {
    const first = await runner.runSchematic('task', { name: 'a' }, createAppTree());
    const second = await runner.runSchematic('task', { name: 'b', path: 'billing' }, first);

    expect(second.exists('src/billing/deploy-tasks/deploy-tasks.module.ts')).toBe(false);
    expect(second.readContent(MODULE)).toContain(
      "import { BTask } from '../billing/deploy-tasks/20261126094513-b.task';",
    );
  });

  it('reads the source root from the sourceRoot option, else from nest-cli.json', async () => {
    const fromOption = await runner.runSchematic(
      'task',
      { name: 'a', sourceRoot: 'apps/api/src', skipImport: true },
      createAppTree(),
    );
    expect(fromOption.exists('apps/api/src/deploy-tasks/20261126094512-a.task.ts')).toBe(true);

    const app = createAppTree({ files: { 'nest-cli.json': '{ "sourceRoot": "server" }' } });
    const fromConfig = await runner.runSchematic('task', { name: 'a', skipImport: true }, app);
    expect(fromConfig.exists('server/deploy-tasks/20261126094512-a.task.ts')).toBe(true);
  });

  it('accepts every option the Nest CLI passes', async () => {
    const tree = await runner.runSchematic(
      'task',
      {
        name: 'backfill-user-slugs',
        path: undefined,
        sourceRoot: 'src',
        language: 'ts',
        spec: true,
        flat: false,
        specFileSuffix: 'spec',
        skipImport: false,
        format: false,
        collection: 'after-party',
        project: 'api',
        'dry-run': false,
      },
      createAppTree(),
    );

    expect(tree.exists(TASK)).toBe(true);
  });

  describe('refusals (nothing written)', () => {
    it.each(TASK_OPTION_REFUSALS)('refuses %s', async (_case, options, message) => {
      const app = createAppTree();
      const before = snapshotTree(app);

      const run = runner.runSchematic('task', options, app);

      await expect(run).rejects.toThrow(SchematicsException);
      await expect(runner.runSchematic('task', options, app)).rejects.toThrow(message);
      expect(snapshotTree(app)).toEqual(before);
    });

    it('refuses a name another task in the folder already uses', async () => {
      const app = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());
      jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-01T00:00:00Z'));
      const before = snapshotTree(app);

      await expect(runner.runSchematic('task', { name: 'backfillUserSlugs' }, app)).rejects.toThrow(
        `A task named "backfill-user-slugs" already exists: ${TASK}`,
      );
      expect(snapshotTree(app)).toEqual(before);
    });
  });
});
