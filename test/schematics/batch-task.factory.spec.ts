import { SchematicsException } from '@angular-devkit/schematics';
import type { UnitTestTree } from '@angular-devkit/schematics/testing';
import { parseStore } from '../../schematics/src/utils/store';
import { createAppTree, snapshotTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';
import { TASK_OPTION_REFUSALS } from './helpers/refusals';

const TASK = 'src/deploy-tasks/20261126094512-backfill-user-slugs.task.ts';
const SPEC = 'src/deploy-tasks/20261126094512-backfill-user-slugs.task.spec.ts';
const MODULE = 'src/deploy-tasks/deploy-tasks.module.ts';

const TYPEORM_APP = { dependencies: { '@nestjs/typeorm': '^11.0.3', typeorm: '^0.3.27' } };
const MONGOOSE_APP = { dependencies: { '@nestjs/mongoose': '^11.0.4', mongoose: '^8.19.0' } };

/** Which skeleton a generated task is. */
function skeletonOf(tree: UnitTestTree, path = TASK): 'typeorm' | 'mongoose' {
  const task = tree.readContent(path);
  if (task.includes("import { DataSource } from 'typeorm';")) return 'typeorm';
  if (task.includes("import type { Connection, Types } from 'mongoose';")) return 'mongoose';
  throw new Error(`${path} is neither skeleton:\n${task}`);
}

describe('batch-task schematic', () => {
  const runner = createRunner();
  let logs: string[] = [];
  runner.logger.subscribe((entry) => logs.push(entry.message));

  beforeEach(() => {
    freezeClock('2026-11-26T09:45:12.345Z');
    logs = [];
  });
  afterEach(() => jest.restoreAllMocks());

  it('makes a TypeORM batched task in an app that uses @nestjs/typeorm', async () => {
    const tree = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(TYPEORM_APP));

    expect(tree.files).toEqual(expect.arrayContaining([`/${TASK}`, `/${SPEC}`, `/${MODULE}`]));
    expect(tree.readContent(TASK)).toBe(`import {
  AfterPartyTask,
  type BatchContext,
  type BatchedTask,
  type KeysetCollection,
  type TaskContext,
} from 'after-party';
import { DataSource } from 'typeorm';

/** What the task works through: alias your entity here, e.g. \`type Item = User;\`. */
type Item = { id: number };

@AfterPartyTask({
  version: '20261126094512',
  name: 'backfill-user-slugs',
  description: 'Backfill user slugs',
  // Add \`transaction: true\` to commit each batch with its checkpoint (exactly once),
  // writing through ctx.manager; the spec then needs the typeorm store and a test database.
  batch: { size: 1000 },
})
export class BackfillUserSlugsTask implements BatchedTask<Item> {
  constructor(private readonly dataSource: DataSource) {}

  collection(ctx: TaskContext): KeysetCollection<Item> {
    // Describe the rows as keyset pages by a unique key with typeormKeyset (imported from
    // 'after-party/typeorm'), e.g. the users without a slug:
    //   return typeormKeyset(
    //     this.dataSource.getRepository(User).createQueryBuilder('user').where('user.slug IS NULL'),
    //     { key: 'id' },
    //   );
    // Add \`plain: true\` to read plain rows instead of entities: faster, for batches written with UPDATEs.
    // Until then the task finds nothing and completes: describe the rows before you deploy it.
    ctx.logger.warn('No collection described yet: nothing to do');
    return { page: () => Promise.resolve([]), cursorOf: (item) => item.id };
  }

  // Make it \`async processBatch(...): Promise<void>\` once it awaits its writes.
  processBatch(items: Item[], ctx: BatchContext): void {
    // Update one batch, safely repeatable: after a crash, the batch in progress runs again. E.g.
    //   await this.dataSource.getRepository(User).save(items.map((user) => ({ ...user, slug: slugify(user.name) })));
    ctx.logger.warn(\`\${items.length} rows read, none updated yet\`);
  }
}
`);
    expect(logs).toContain('@nestjs/typeorm is in package.json: making a typeorm batched task.');
  });

  it('makes a Mongoose batched task in an app that uses @nestjs/mongoose', async () => {
    const tree = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(MONGOOSE_APP));

    const task = tree.readContent(TASK);
    expect(skeletonOf(tree)).toBe('mongoose');
    expect(task).toContain("import { InjectConnection } from '@nestjs/mongoose';");
    expect(task).toContain(
      "@AfterPartyTask({\n  version: '20261126094512',\n  name: 'backfill-user-slugs',\n  description: 'Backfill user slugs',\n  batch: { size: 1000 },\n})",
    );
    expect(task).toContain('export class BackfillUserSlugsTask implements BatchedTask<Item> {');
    expect(task).toContain('type Item = { _id: Types.ObjectId };');
    expect(task).toContain('constructor(@InjectConnection() private readonly connection: Connection) {}');
    expect(task).toContain('//   return mongooseKeyset(this.connection.model<User>(User.name), {');
    expect(task).toContain('return { page: () => Promise.resolve([]), cursorOf: (item) => item._id };');
    expect(task).not.toMatch(/typeorm|DataSource|transaction/);
    expect(logs).toContain('@nestjs/mongoose is in package.json: making a mongoose batched task.');
  });

  it.each<[string, 'typeorm' | 'mongoose', Parameters<typeof createAppTree>[0]]>([
    ['neither store package', 'typeorm', {}],
    ['both store packages', 'typeorm', { dependencies: { ...TYPEORM_APP.dependencies, ...MONGOOSE_APP.dependencies } }],
    [
      '@nestjs/mongoose among the devDependencies',
      'mongoose',
      { files: { 'package.json': JSON.stringify({ name: 'app', devDependencies: { '@nestjs/mongoose': '^11.0.4' } }) } },
    ],
  ])('with %s in package.json, makes the %s skeleton', async (_case, expected, app) => {
    const tree = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(app));

    expect(skeletonOf(tree)).toBe(expected);
  });

  it('says why it chose typeorm when package.json does not settle it, and how to choose', async () => {
    await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree());

    expect(logs).toContain(
      'Neither @nestjs/typeorm nor @nestjs/mongoose is in package.json: making a typeorm batched task. For a mongoose one, run `schematics after-party:batch-task <name> --store mongoose` (`nest g` does not pass --store).',
    );
  });

  it('follows --store over package.json', async () => {
    const mongoose = await runner.runSchematic(
      'batch-task',
      { name: 'backfill-user-slugs', store: 'mongoose' },
      createAppTree(TYPEORM_APP),
    );
    const typeorm = await runner.runSchematic(
      'batch-task',
      { name: 'backfill-user-slugs', store: 'typeorm' },
      createAppTree(MONGOOSE_APP),
    );

    expect(skeletonOf(mongoose)).toBe('mongoose');
    expect(skeletonOf(typeorm)).toBe('typeorm');
    expect(logs.filter((message) => message.includes('package.json'))).toEqual([]);
  });

  it('writes a spec that runs the task by name on the in-memory store, the database stood in for', async () => {
    const typeorm = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(TYPEORM_APP));
    const mongoose = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(MONGOOSE_APP));

    for (const spec of [typeorm.readContent(SPEC), mongoose.readContent(SPEC)]) {
      expect(spec).toContain("import { AfterPartyTester, AfterPartyTestingModule } from 'after-party/testing';");
      expect(spec).toContain("import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';");
      expect(spec).toContain('imports: [AfterPartyTestingModule.forRoot()],');
      expect(spec).toContain('        BackfillUserSlugsTask,\n');
      expect(spec).toContain('await moduleRef.init();');
      expect(spec).toContain('const record = await tester.run(BackfillUserSlugsTask);');
      expect(spec).toContain("expect(record.status).toBe('completed');");
      expect(spec).toContain('await moduleRef?.close();'); // no second error when the module failed to compile
    }
    expect(typeorm.readContent(SPEC)).toContain("import { DataSource } from 'typeorm';");
    expect(typeorm.readContent(SPEC)).toContain('{ provide: DataSource, useValue: {} },');
    expect(mongoose.readContent(SPEC)).toContain("import { getConnectionToken } from '@nestjs/mongoose';");
    expect(mongoose.readContent(SPEC)).toContain('{ provide: getConnectionToken(), useValue: {} },');
  });

  it('skips the spec with spec: false and honours specFileSuffix', async () => {
    const withoutSpec = await runner.runSchematic('batch-task', { name: 'a', spec: false }, createAppTree());
    expect(withoutSpec.files.filter((path) => path.includes('.spec.'))).toEqual([]);

    const withSuffix = await runner.runSchematic('batch-task', { name: 'a', specFileSuffix: 'test' }, createAppTree());
    expect(withSuffix.exists('src/deploy-tasks/20261126094512-a.task.test.ts')).toBe(true);
  });

  it('registers the task in the deploy tasks module and imports the module into AppModule', async () => {
    const tree = await runner.runSchematic('batch-task', { name: 'backfill-user-slugs' }, createAppTree(TYPEORM_APP));

    expect(tree.readContent(MODULE)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task';",
    );
    expect(tree.readContent(MODULE)).toContain('providers: [BackfillUserSlugsTask],');
    const appModule = tree.readContent('src/app.module.ts');
    expect(appModule).toContain("import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module';");
    expect(appModule).toContain('imports: [DeployTasksModule],');
  });

  it('joins the tasks other schematics made, with the next free version, through its alias "bt"', async () => {
    const first = await runner.runSchematic('task', { name: 'seed-users' }, createAppTree(TYPEORM_APP));
    const second = await runner.runSchematic('bt', { name: 'backfill-user-slugs' }, first);

    expect(second.exists('src/deploy-tasks/20261126094513-backfill-user-slugs.task.ts')).toBe(true);
    expect(second.readContent(MODULE)).toContain('providers: [SeedUsersTask, BackfillUserSlugsTask],');
  });

  it('adds .js suffixes to relative imports in ESM projects', async () => {
    const tree = await runner.runSchematic(
      'batch-task',
      { name: 'backfill-user-slugs', store: 'mongoose' },
      createAppTree({ esm: true }),
    );

    expect(tree.readContent(SPEC)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task.js';",
    );
    expect(tree.readContent(MODULE)).toContain(
      "import { BackfillUserSlugsTask } from './20261126094512-backfill-user-slugs.task.js';",
    );
    expect(tree.readContent('src/app.module.ts')).toContain(
      "import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module.js';",
    );
    expect(tree.readContent(TASK)).toContain("} from 'after-party';");
    // mongoose does not export Connection to ESM importers at runtime: a type import is the only one that loads.
    expect(tree.readContent(TASK)).toContain("import type { Connection, Types } from 'mongoose';");
  });

  it('writes the name and description into single-quoted strings, escaped', async () => {
    const tree = await runner.runSchematic(
      'batch-task',
      { name: 'fixUsersTask', description: "Fix users' \\ slugs" },
      createAppTree(),
    );

    const task = tree.readContent('src/deploy-tasks/20261126094512-fix-users.task.ts');
    expect(task).toContain("  name: 'fix-users',\n  description: 'Fix users\\' \\\\ slugs',\n");
    expect(task).toContain('export class FixUsersTask implements BatchedTask<Item>');
  });

  describe('refusals (nothing written)', () => {
    it.each(TASK_OPTION_REFUSALS)('refuses %s', async (_case, options, message) => {
      const app = createAppTree(TYPEORM_APP);
      const before = snapshotTree(app);

      await expect(runner.runSchematic('batch-task', options, app)).rejects.toThrow(SchematicsException);
      await expect(runner.runSchematic('batch-task', options, app)).rejects.toThrow(message);
      expect(snapshotTree(app)).toEqual(before);
    });

    it('refuses a store it does not know', async () => {
      const app = createAppTree();
      const before = snapshotTree(app);

      await expect(runner.runSchematic('batch-task', { name: 'a', store: 'prisma' }, app)).rejects.toThrow(
        /\/store.*"typeorm", "mongoose"/s,
      );
      expect(snapshotTree(app)).toEqual(before);
      // Past the schema too, for callers that skip its validation.
      expect(() => parseStore('prisma')).toThrow('Unknown store "prisma". Use --store typeorm or --store mongoose.');
    });

    it('refuses a name another task in the folder already uses', async () => {
      const app = await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree());
      jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-01T00:00:00Z'));
      const before = snapshotTree(app);

      await expect(runner.runSchematic('batch-task', { name: 'backfillUserSlugs' }, app)).rejects.toThrow(
        `A task named "backfill-user-slugs" already exists: ${TASK}`,
      );
      expect(snapshotTree(app)).toEqual(before);
    });
  });
});
