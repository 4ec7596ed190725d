/**
 * End to end: the packed library in fresh Nest 12 apps (CommonJS and ESM)
 * made by the real @nestjs/cli 12: `nest add after-party`, `nest g -c
 * after-party task`, build, then `after-party:run` twice and
 * `after-party:status`. Needs the npm registry and about 5 minutes; set
 * AFTER_PARTY_E2E_KEEP=1 to keep the temp folder for inspection.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DATABASE_FILE, giveTaskABody, wireTypeOrm } from './helpers/fixture-files';
import { createNestApp, installApp, installNestCli, ModuleKind, nest } from './helpers/nest-app';
import { run, runOrThrow } from './helpers/shell';
import { query } from './helpers/sqlite';

jest.setTimeout(15 * 60 * 1000);

const REPO_ROOT = path.resolve(__dirname, '../..');
const TASK_FILE = /^(\d{14})-backfill\.task\.ts$/;

let workDir: string;
let toolsDir: string;
let tarball: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'after-party-schematics-e2e-'));
  toolsDir = path.join(workDir, 'tools');
  // The root Jest globalSetup builds dist/ before any suite runs; rebuilding here would
  // rewrite files that suites running in parallel are loading.
  if (!existsSync(path.join(REPO_ROOT, 'dist/index.js'))) {
    runOrThrow('npm', ['run', 'build'], REPO_ROOT);
  }
  runOrThrow('npm', ['run', 'build:schematics'], REPO_ROOT);
  const packed = JSON.parse(runOrThrow('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], REPO_ROOT).stdout);
  tarball = path.join(workDir, packed[0].filename);
  installNestCli(toolsDir, workDir);
});

afterAll(() => {
  if (process.env.AFTER_PARTY_E2E_KEEP) {
    console.log(`after-party e2e: kept ${workDir}`);
  } else if (workDir) {
    rmSync(workDir, { recursive: true, force: true });
  }
});

describe.each<[ModuleKind, { migrations: boolean }]>([
  ['cjs', { migrations: false }],
  ['esm', { migrations: true }],
])('a Nest 12 %s app', (kind, { migrations }) => {
  let appDir: string;
  let taskFile: string;
  let version: string;

  const read = (file: string): string => readFileSync(path.join(appDir, file), 'utf-8');
  const node = (args: string[]) => run(process.execPath, args, appDir);

  beforeAll(() => {
    appDir = createNestApp(toolsDir, workDir, `${kind}-app`, kind);
    installApp(appDir, tarball);
    wireTypeOrm(appDir, kind, migrations);
  });

  it('is what nest new makes for this module system', () => {
    expect(JSON.parse(read('package.json')).type).toBe(kind === 'esm' ? 'module' : undefined);
  });

  it('nest add after-party wires the module, main.ts and npm scripts (and is idempotent)', () => {
    // `nest add` installs from the registry first; --skip-install runs the installed
    // tarball's nest-add schematic, which is what `nest add` runs after installing.
    nest(appDir, ['add', 'after-party', '--skip-install', '--store', 'typeorm']);
    const js = kind === 'esm' ? '.js' : '';

    const appModule = read('src/app.module.ts');
    expect(appModule).toContain("import { AfterPartyModule } from 'after-party';");
    expect(appModule).toContain(`import { DeployTasksModule } from './deploy-tasks/deploy-tasks.module${js}';`);
    expect(appModule).toContain("    AfterPartyModule.forRoot({ store: 'typeorm' }),\n    DeployTasksModule,\n  ],");
    expect(read('src/main.ts')).toMatch(/async function bootstrap\(\) \{\n {2}if \(await runAfterPartyCommand\(AppModule\)\) return;\n/);
    expect(JSON.parse(read('package.json')).scripts).toMatchObject({
      'after-party:run': 'node dist/main after-party:run',
      'after-party:status': 'node dist/main after-party:status',
    });
    const migrationFiles = readdirSync(path.join(appDir, 'src')).includes('migrations')
      ? readdirSync(path.join(appDir, 'src/migrations'))
      : [];
    expect(migrationFiles.filter((file) => /^\d{13}-after-party-records\.ts$/.test(file))).toHaveLength(migrations ? 1 : 0);

    const before = ['src/app.module.ts', 'src/main.ts', 'package.json'].map(read);
    nest(appDir, ['add', 'after-party', '--skip-install', '--store', 'typeorm']);
    expect(['src/app.module.ts', 'src/main.ts', 'package.json'].map(read)).toEqual(before);
  });

  it('nest g -c after-party task backfill creates and registers the task', () => {
    const output = nest(appDir, ['g', '-c', 'after-party', 'task', 'backfill']);

    const files = readdirSync(path.join(appDir, 'src/deploy-tasks'));
    const found = files.find((file) => TASK_FILE.test(file));
    expect({ output, files, found }).toEqual(expect.objectContaining({ found: expect.any(String) }));
    taskFile = found!;
    version = TASK_FILE.exec(taskFile)![1];
    expect(read(`src/deploy-tasks/${taskFile}`)).toContain(`version: '${version}',`);
    expect(files).toContain(taskFile.replace('.task.ts', '.task.spec.ts'));
    expect(read('src/deploy-tasks/deploy-tasks.module.ts')).toContain('providers: [BackfillTask],');
  });

  it('every-deploy-task takes --description through the schematics CLI (nest g rejects unknown flags)', () => {
    const schematicsCli = path.join(appDir, 'node_modules/@angular-devkit/schematics-cli/bin/schematics.js');
    runOrThrow(
      process.execPath,
      [schematicsCli, 'after-party:every-deploy-task', '--name=warm-cache', '--description=Warm the cache'],
      appDir,
    );

    const file = readdirSync(path.join(appDir, 'src/deploy-tasks')).find((name) => /^\d{14}-warm-cache\.task\.ts$/.test(name));
    expect(file).toBeDefined();
    expect(read(`src/deploy-tasks/${file}`)).toContain("description: 'Warm the cache',\n  everyDeploy: true,");
    expect(read('src/deploy-tasks/deploy-tasks.module.ts')).toContain('providers: [BackfillTask, WarmCacheTask],');
  });

  it("the generated skeletons pass the app's own linter as nest new set it up (type-aware rules)", () => {
    const schematicsCli = path.join(appDir, 'node_modules/@angular-devkit/schematics-cli/bin/schematics.js');
    // Kept out of the deploy-tasks module: the later tests build and run the app's tasks.
    runOrThrow(
      process.execPath,
      [schematicsCli, 'after-party:batch-task', '--name=fill-slugs', '--description=Fill slugs', '--store=typeorm', '--skip-import', '--path=lint-only'],
      appDir,
    );
    const generated = ['src/deploy-tasks', 'src/lint-only'].flatMap((folder) =>
      readdirSync(path.join(appDir, folder), { recursive: true })
        .map(String)
        .filter((file) => /\.task(\.spec)?\.ts$/.test(file))
        .map((file) => path.join(folder, file)),
    );
    expect(generated).toHaveLength(6);

    // The linter `nest new` set up (ESLint or oxlint), with the flags of its lint script, but no --fix.
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.lint.split(/\s+/);
    const flags = script.slice(1).filter((arg) => arg.startsWith('-') && arg !== '--fix');
    const lint = run(path.join(appDir, 'node_modules/.bin', script[0]), [...flags, ...generated], appDir);

    expect({ status: lint.status, output: lint.status === 0 ? '' : lint.output }).toEqual({ status: 0, output: '' });
    rmSync(path.join(appDir, 'src/lint-only'), { recursive: true, force: true });
  });

  // A CommonJS app's Jest cannot load Nest 12 (ESM-only) before Node 24.9: there even the
  // app.controller.spec.ts of `nest new` fails. Such an app's spec-run test is skipped (the
  // type-check below covers its spec, and the ESM app runs the same spec with vitest).
  const [major, minor] = process.versions.node.split('.').map(Number);
  const testRunnerWorks = kind === 'esm' || major > 24 || (major === 24 && minor >= 9);
  const specTitle = "the generated spec passes in the app's own test runner";

  (testRunnerWorks ? it : it.skip)(
    testRunnerWorks
      ? specTitle
      : `${specTitle} (SKIPPED: Jest in a CommonJS app cannot load Nest 12 before Node 24.9, this is Node ${process.versions.node})`,
    () => {
      const spec = `src/deploy-tasks/${taskFile.replace('.task.ts', '.task.spec.ts')}`;
      const args =
        kind === 'esm'
          ? ['node_modules/vitest/vitest.mjs', 'run', spec]
          : ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', spec];
      const result = node(args);
      expect({ status: result.status, output: result.output }).toEqual(expect.objectContaining({ status: 0 }));
    },
  );

  it('builds, and type-checks the whole app including the spec', () => {
    giveTaskABody(appDir, taskFile, kind);
    runOrThrow('npm', ['run', 'build'], appDir);
    runOrThrow(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'], appDir);
  });

  it('after-party:run runs the task once, however often it is called', () => {
    const first = node(['dist/main', 'after-party:run', ...(migrations ? ['--migrate'] : [])]);
    expect({ status: first.status, output: first.output }).toEqual(expect.objectContaining({ status: 0 }));
    const second = node(['dist/main', 'after-party:run']);
    expect({ status: second.status, output: second.output }).toEqual(expect.objectContaining({ status: 0 }));

    expect(query(appDir, DATABASE_FILE, 'SELECT COUNT(*) AS count FROM marks')).toEqual([{ count: 1 }]);
    expect(
      query(appDir, DATABASE_FILE, `SELECT status FROM after_party_runs WHERE version = '${version}'`),
    ).toEqual([{ status: 'completed' }]);
    if (migrations) {
      expect(query(appDir, DATABASE_FILE, 'SELECT name FROM migrations')).toEqual([
        { name: expect.stringMatching(/^AfterPartyRecords\d{13}$/) },
      ]);
    }
  });

  it('after-party:status shows the task completed', () => {
    const status = node(['dist/main', 'after-party:status']);

    // The task's own row, not the summary line (whose "0 completed" would match /completed/ too).
    const row = status.stdout.split('\n').find((line) => line.includes(`  ${version}  `));
    expect({ status: status.status, row, output: status.output }).toEqual({
      status: 0,
      row: expect.stringMatching(new RegExp(`^completed\\s+${version}\\s+backfill\\s`)),
      output: status.output,
    });
  });
});
