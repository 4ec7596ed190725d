import { SchematicsException } from '@angular-devkit/schematics';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createAppTree, snapshotTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';

const MIGRATION = 'src/migrations/1795686312345-after-party-records.ts';
const TYPEORM_WITH_MIGRATIONS = `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: 'app.sqlite',
      migrations: [__dirname + '/migrations/*.js'],
    }),
  ],
})
export class AppModule {}
`;

describe('nest-add schematic', () => {
  const runner = createRunner();

  beforeEach(() => freezeClock('2026-11-26T09:45:12.345Z'));
  afterEach(() => jest.restoreAllMocks());

  it('imports AfterPartyModule.forRoot with the TypeORM store by default, and the deploy tasks module', async () => {
    const tree = await runner.runSchematic('nest-add', {}, createAppTree());

    expect(tree.readContent('src/app.module.ts')).toBe(`import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';
import { AfterPartyModule } from 'after-party';
import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module';

@Module({
  imports: [AfterPartyModule.forRoot({ store: 'typeorm' }), DeployTasksModule],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`);
    expect(tree.readContent('src/deploy-tasks/deploy-tasks.module.ts')).toContain(
      'export class DeployTasksModule {}',
    );
  });

  it('uses --store mongoose', async () => {
    const tree = await runner.runSchematic('nest-add', { store: 'mongoose' }, createAppTree());

    expect(tree.readContent('src/app.module.ts')).toContain("AfterPartyModule.forRoot({ store: 'mongoose' }),");
  });

  it('refuses an unknown store, writing nothing', async () => {
    const app = createAppTree();
    const before = snapshotTree(app);

    await expect(runner.runSchematic('nest-add', { store: 'redis' }, app)).rejects.toThrow();
    expect(snapshotTree(app)).toEqual(before);
  });

  it('hands after-party commands to runAfterPartyCommand first thing in bootstrap()', async () => {
    const tree = await runner.runSchematic('nest-add', {}, createAppTree());

    expect(tree.readContent('src/main.ts')).toBe(`import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { runAfterPartyCommand } from 'after-party';

async function bootstrap() {
  if (await runAfterPartyCommand(AppModule)) return;
  const app = await NestFactory.create(AppModule);
  await app.listen(process.env.PORT ?? 3000);
}
void bootstrap();
`);
  });

  it('wires an arrow-function bootstrap and follows the module main.ts passes to NestFactory', async () => {
    const app = createAppTree({
      files: {
        'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { RootModule } from './root.module';

const bootstrap = async () => {
  const app = await NestFactory.create(RootModule);
  await app.listen(3000);
};
void bootstrap();
`,
        'src/root.module.ts': `import { Module } from '@nestjs/common';\n\n@Module({})\nexport class RootModule {}\n`,
      },
    });
    const tree = await runner.runSchematic('nest-add', {}, app);

    expect(tree.readContent('src/main.ts')).toContain(
      'const bootstrap = async () => {\n  if (await runAfterPartyCommand(RootModule)) return;\n',
    );
    expect(tree.readContent('src/root.module.ts')).toContain(
      "@Module({\n  imports: [AfterPartyModule.forRoot({ store: 'typeorm' }), DeployTasksModule],\n})",
    );
  });

  it('adds the npm scripts, using the entry point of start:prod', async () => {
    const tree = await runner.runSchematic('nest-add', {}, createAppTree());

    const scripts = JSON.parse(tree.readContent('package.json')).scripts;
    expect(scripts['after-party:run']).toBe('node dist/main after-party:run');
    expect(scripts['after-party:status']).toBe('node dist/main after-party:status');
    expect(scripts.build).toBe('nest build');
  });

  it('skips the scripts with skipScripts', async () => {
    const tree = await runner.runSchematic('nest-add', { skipScripts: true }, createAppTree());

    expect(JSON.parse(tree.readContent('package.json')).scripts['after-party:run']).toBeUndefined();
  });

  describe('nest-commander, which the after-party:* commands run on', () => {
    const peerRange = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf-8')).peerDependencies['nest-commander'];
    const installs = () => runner.tasks.filter((task) => task.name === 'node-package');

    it('is added to a Nest 12 app at 3.21 or later (its first releases for Nest 12), sorted, and installed', async () => {
      const tree = await runner.runSchematic('nest-add', {}, createAppTree());

      const { dependencies } = JSON.parse(tree.readContent('package.json'));
      expect(dependencies).toEqual({ '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', 'nest-commander': '^3.21.0' });
      expect(installs()).toEqual([expect.objectContaining({ options: expect.objectContaining({ command: 'install' }) })]);
    });

    it("is added to a Nest 11 app at after-party's peer range", async () => {
      const tree = await runner.runSchematic('nest-add', {}, createAppTree({ dependencies: { '@nestjs/common': '^11.1.6', '@nestjs/core': '^11.1.6' } }));

      expect(JSON.parse(tree.readContent('package.json')).dependencies['nest-commander']).toBe(peerRange);
      expect(peerRange).toMatch(/^\^3\./);
    });

    it('is added without an install with skipInstall', async () => {
      const tree = await runner.runSchematic('nest-add', { skipInstall: true }, createAppTree());

      expect(JSON.parse(tree.readContent('package.json')).dependencies['nest-commander']).toBe('^3.21.0');
      expect(installs()).toEqual([]);
    });

    it('is left alone, with nothing installed, when the app already depends on it', async () => {
      const packageJson = {
        name: 'app',
        scripts: { 'start:prod': 'node dist/main' },
        dependencies: { '@nestjs/core': '^12.0.1', 'nest-commander': '^3.21.0' },
      };
      const tree = await runner.runSchematic('nest-add', {}, createAppTree({ files: { 'package.json': JSON.stringify(packageJson, null, 2) + '\n' } }));

      expect(JSON.parse(tree.readContent('package.json')).dependencies).toEqual(packageJson.dependencies);
      expect(installs()).toEqual([]);
    });

    it('is only warned about when it is a devDependency', async () => {
      const packageJson = { name: 'app', dependencies: { '@nestjs/core': '^12.0.1' }, devDependencies: { 'nest-commander': '^3.21.0' } };
      const logs: string[] = [];
      const subscription = runner.logger.subscribe((entry) => logs.push(entry.message));
      const tree = await runner.runSchematic('nest-add', {}, createAppTree({ files: { 'package.json': JSON.stringify(packageJson) } }));
      subscription.unsubscribe();

      expect(JSON.parse(tree.readContent('package.json')).dependencies).toEqual({ '@nestjs/core': '^12.0.1' });
      expect(logs.join('\n')).toContain('nest-commander is only in devDependencies');
      expect(installs()).toEqual([]);
    });
  });

  it('adds .js suffixes to relative imports in ESM projects', async () => {
    const tree = await runner.runSchematic('nest-add', {}, createAppTree({ esm: true }));

    expect(tree.readContent('src/app.module.ts')).toContain(
      "import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module.js';",
    );
    expect(tree.readContent('src/main.ts')).toContain("import { runAfterPartyCommand } from 'after-party';");
  });

  it('adds the records-table migration when TypeORM migrations are configured', async () => {
    const app = createAppTree({ files: { 'src/app.module.ts': TYPEORM_WITH_MIGRATIONS } });
    const tree = await runner.runSchematic('nest-add', {}, app);

    expect(tree.readContent(MIGRATION)).toBe(`import { createAfterPartyMigration } from 'after-party/typeorm';

/** Creates the table where after-party records which deploy tasks ran. */
export class AfterPartyRecords1795686312345 extends createAfterPartyMigration() {}
`);
    expect(tree.readContent('src/app.module.ts')).toContain(
      "    }),\n    AfterPartyModule.forRoot({ store: 'typeorm' }),\n    DeployTasksModule,\n  ],",
    );
  });

  it('puts the migration in an existing migrations folder, found through a data-source file', async () => {
    const app = createAppTree({
      files: {
        'data-source.ts': "export default new DataSource({ type: 'postgres', migrations: ['dist/db/migrations/*.js'] });\n",
        'src/db/migrations/1700000000000-init.ts': 'export class Init1700000000000 {}\n',
      },
    });
    const tree = await runner.runSchematic('nest-add', {}, app);

    expect(tree.exists('src/db/migrations/1795686312345-after-party-records.ts')).toBe(true);
  });

  it.each([
    [
      'a config file that TypeOrmModule.forRoot and the data source share',
      {
        'src/config/typeorm.config.ts':
          "import type { DataSourceOptions } from 'typeorm';\n\nexport const typeOrmConfig: DataSourceOptions = {\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  migrations: ['dist/migrations/*.js'],\n};\n",
        'src/app.module.ts': "import { typeOrmConfig } from './config/typeorm.config';\n\n@Module({ imports: [TypeOrmModule.forRoot(typeOrmConfig)] })\nexport class AppModule {}\n",
      },
    ],
    [
      'a registerAs config read through ConfigService',
      {
        'src/config/database.ts':
          "import { registerAs } from '@nestjs/config';\n\nexport default registerAs('database', () => ({\n  type: 'mysql',\n  url: process.env.DATABASE_URL,\n  migrations: [__dirname + '/../migrations/*.js'],\n}));\n",
      },
    ],
  ])('adds the records-table migration when migrations are configured in %s', async (_, files) => {
    const tree = await runner.runSchematic('nest-add', {}, createAppTree({ files }));

    expect(tree.exists(MIGRATION)).toBe(true);
  });

  it('adds no migration without TypeORM migrations, for mongoose, or with skipMigration', async () => {
    const noMigrations = await runner.runSchematic('nest-add', {}, createAppTree());
    const mongoose = await runner.runSchematic(
      'nest-add',
      { store: 'mongoose' },
      createAppTree({ files: { 'src/app.module.ts': TYPEORM_WITH_MIGRATIONS } }),
    );
    const skipped = await runner.runSchematic(
      'nest-add',
      { skipMigration: true },
      createAppTree({ files: { 'src/app.module.ts': TYPEORM_WITH_MIGRATIONS } }),
    );

    for (const tree of [noMigrations, mongoose, skipped]) {
      expect(tree.files.filter((path) => path.includes('after-party-records'))).toEqual([]);
    }
  });

  it('logs why it added no migration', async () => {
    const logs: string[] = [];
    const subscription = runner.logger.subscribe((entry) => logs.push(entry.message));
    await runner.runSchematic('nest-add', {}, createAppTree());
    subscription.unsubscribe();

    expect(logs.join('\n')).toMatch(/No TypeORM migrations setup found.*no records-table migration was added/);
  });

  it.each([
    ['a CommonJS app', { esm: false, files: {} }],
    ['an ESM app', { esm: true, files: {} }],
    ['a TypeORM app with migrations', { esm: false, files: { 'src/app.module.ts': TYPEORM_WITH_MIGRATIONS } }],
  ])('changes nothing when run a second time on %s', async (_case, appOptions) => {
    const once = await runner.runSchematic('nest-add', {}, createAppTree(appOptions));
    const afterOnce = snapshotTree(once);
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-27T00:00:00Z'));

    const twice = await runner.runSchematic('nest-add', {}, once);

    expect(snapshotTree(twice)).toEqual(afterOnce);
  });

  it('keeps an existing deploy tasks module and its tasks', async () => {
    const withTask = await runner.runSchematic('task', { name: 'backfill' }, createAppTree());
    const tree = await runner.runSchematic('nest-add', {}, withTask);

    expect(tree.readContent('src/deploy-tasks/deploy-tasks.module.ts')).toContain('providers: [BackfillTask],');
    expect(tree.readContent('src/app.module.ts').match(/DeployTasksModule/g)).toHaveLength(2);
  });

  it('refuses, writing nothing, when there is no root module', async () => {
    const app = createAppTree();
    app.delete('src/main.ts');
    app.delete('src/app.module.ts');
    const before = snapshotTree(app);

    const run = runner.runSchematic('nest-add', {}, app);

    await expect(run).rejects.toThrow(SchematicsException);
    expect(snapshotTree(app)).toEqual(before);
  });
});
