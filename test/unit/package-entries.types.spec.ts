import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The published types as an app that lacks some optional peers compiles them: with
 * `skipLibCheck: false`, every .d.ts the app reaches is checked, so one `import ... from
 * 'mongoose'` in a file of the main entry breaks an app without mongoose. The optional peers an
 * app does not use are mapped to an empty module, as if not installed (this repository's
 * node_modules has them all). Reads the dist/ that the Jest global setup builds.
 */
const ROOT = resolve(__dirname, '../..');

/** The optional peers of distributed tasks, absent from both apps. */
const QUEUE_PEERS = ['bullmq', 'ioredis', '@nestjs/bullmq'];
const TYPEORM_PEERS = ['typeorm', '@nestjs/typeorm'];
const MONGOOSE_PEERS = ['mongoose', '@nestjs/mongoose', 'mongodb', 'bson'];

let app: string;

beforeAll(() => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  app = mkdtempSync(join(ROOT, '.tmp', 'types-consumer-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules', 'after-party'), 'junction');
  writeFileSync(join(app, 'absent.d.ts'), 'export {};\n');
});

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

/** Parsed .d.ts files, shared by the programs of this file (parsing @types/node and typeorm is slow). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/**
 * Compiles `source` as the app's one file, strictly and with `skipLibCheck: false`, `absent`
 * packages resolving to an empty module. Reports what that reports for the app's file and the
 * package's own .d.ts files, the ones this package answers for (checking every third-party
 * .d.ts too would take minutes on a busy machine and test those packages, not this one).
 *
 * @returns every error message, each with the file it is in (relative to the repository).
 */
function compile(name: string, source: string, absent: string[], resolution: ts.ModuleResolutionKind): string[] {
  const file = join(app, `${name}.ts`);
  writeFileSync(file, source);
  const node10 = resolution === ts.ModuleResolutionKind.Node10;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    target: ts.ScriptTarget.ES2022,
    module: node10 ? ts.ModuleKind.CommonJS : ts.ModuleKind.Node16,
    moduleResolution: resolution,
    types: ['node'],
    baseUrl: app,
    paths: Object.fromEntries(absent.flatMap((peer) => [[peer, ['./absent.d.ts']], [`${peer}/*`, ['./absent.d.ts']]])),
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    if (!fileName.endsWith('.d.ts') || fileName.startsWith(app)) return getSourceFile(fileName, languageVersion, ...rest);
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return parsed.get(key);
  };
  const program = ts.createProgram([file], options, host);
  const ours = program.getSourceFiles().filter((sourceFile) => sourceFile.fileName === file || sourceFile.fileName.startsWith(join(ROOT, 'dist') + '/'));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((sourceFile) => [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]),
  ];
  return diagnostics.map((diagnostic) => {
    const where = diagnostic.file ? relative(ROOT, diagnostic.file.fileName) : '(no file)';
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

/** An app on TypeORM that uses every entry it may: no mongoose, no BullMQ. */
const TYPEORM_APP = `
import { Injectable, Module } from '@nestjs/common';
import type { Repository } from 'typeorm';
import * as main from 'after-party';
import { AfterPartyModule, AfterPartyService, AfterPartyTask, type BatchContext, type BatchedTask, type KeysetCollection, type RunReport } from 'after-party';
import * as testing from 'after-party/testing';
import * as terminus from 'after-party/terminus';
import { createAfterPartyMigration, createAfterPartyRecordEntity, typeormKeyset } from 'after-party/typeorm';
import { AfterPartyDashboardModule, type AfterPartyDashboardOptions } from 'after-party/dashboard';

interface User { id: number; slug: string | null }

@Injectable()
export class Users {
  constructor(readonly repository: Repository<User>) {}
}

@AfterPartyTask({ version: '20260101000000', batch: { size: 100 } })
export class BackfillSlugs implements BatchedTask<User> {
  constructor(private readonly users: Users) {}
  collection(): KeysetCollection<User> {
    return typeormKeyset(this.users.repository, { key: 'id' });
  }
  async processBatch(items: User[], ctx: BatchContext): Promise<void> {
    ctx.logger.log(String(items.length));
  }
}

const dashboard: AfterPartyDashboardOptions = { path: 'admin/after-party', readOnly: true, actor: (request: { user?: { email: string } }) => request.user?.email };

@Module({ imports: [AfterPartyModule.forRoot({ store: 'typeorm' }), AfterPartyDashboardModule.forRoot(dashboard)], providers: [Users, BackfillSlugs] })
export class AppModule {}

export class Records extends createAfterPartyMigration() {}
export const entity = createAfterPartyRecordEntity({ type: 'postgres', tableName: 'after_party_runs' });
export const run = (service: AfterPartyService): Promise<RunReport> => service.run();
export const entries = [main, testing, terminus];
`;

/** An app on MongoDB: no typeorm, no BullMQ. */
const MONGOOSE_APP = `
import { Module } from '@nestjs/common';
import * as main from 'after-party';
import { AfterPartyModule, AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import * as testing from 'after-party/testing';
import { mongooseKeyset } from 'after-party/mongoose';

@AfterPartyTask({ version: '20260101000000' })
export class Fix implements DeployTask {
  async run(ctx: TaskContext): Promise<void> {
    ctx.logger.log('fixed');
  }
}

@Module({ imports: [AfterPartyModule.forRoot({ store: 'mongoose' })], providers: [Fix] })
export class AppModule {}

export const entries = [main, testing, mongooseKeyset];
`;

describe.each([
  ['node16', ts.ModuleResolutionKind.Node16],
  ['node (node10)', ts.ModuleResolutionKind.Node10],
])('the published types with skipLibCheck: false, moduleResolution %s', (_name, resolution) => {
  it('compile in a TypeORM app without mongoose, bullmq, ioredis or @nestjs/bullmq (after-party, /testing, /terminus, /typeorm, /dashboard)', () => {
    expect(compile('typeorm-app', TYPEORM_APP, [...MONGOOSE_PEERS, ...QUEUE_PEERS], resolution)).toEqual([]);
  });

  it('compile in a Mongoose app without typeorm, bullmq, ioredis or @nestjs/bullmq (after-party, /testing, /mongoose)', () => {
    expect(compile('mongoose-app', MONGOOSE_APP, [...TYPEORM_PEERS, ...QUEUE_PEERS], resolution)).toEqual([]);
  });

  it('do not compile where an entry needs a package the app lacks (the check bites)', () => {
    const errors = compile('wrong-entry', "export { typeormKeyset } from 'after-party/typeorm';\n", [...TYPEORM_PEERS, ...QUEUE_PEERS], resolution);
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^dist\/batch\/typeorm-keyset\.d\.ts: Module '"typeorm"' has no exported member/)]));
  });
});
