import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModuleKind } from './nest-app';

/** The SQLite file the fixture apps use, relative to the app folder. */
export const DATABASE_FILE = 'app.sqlite';

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf-8');
  const after = change(before);
  if (after === before) throw new Error(`The fixture edit changed nothing in ${file}:\n${before}`);
  writeFileSync(file, after);
}

/**
 * Wires TypeORM with SQLite into the root module, as an app that already
 * uses TypeORM would have it before `nest add after-party`. With
 * `withMigrations`, it also points TypeORM at a migrations folder (so
 * nest-add adds the records-table migration).
 */
export function wireTypeOrm(appDir: string, kind: ModuleKind, withMigrations: boolean): void {
  const migrations = withMigrations
    ? kind === 'esm'
      ? "\n      migrations: [join(dirname(fileURLToPath(import.meta.url)), 'migrations/*.js')],"
      : "\n      migrations: [join(__dirname, 'migrations/*.js')],"
    : '';
  const pathImports = !withMigrations
    ? ''
    : kind === 'esm'
      ? "import { dirname, join } from 'node:path';\nimport { fileURLToPath } from 'node:url';\n"
      : "import { join } from 'node:path';\n";
  edit(path.join(appDir, 'src/app.module.ts'), (text) =>
    text
      .replace("import { Module } from '@nestjs/common';\n", `${pathImports}import { Module } from '@nestjs/common';\nimport { TypeOrmModule } from '@nestjs/typeorm';\n`)
      .replace(
        'imports: [],',
        `imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: '${DATABASE_FILE}',
      autoLoadEntities: true,
      synchronize: true,${migrations}
    }),
  ],`,
      ),
  );
}

/**
 * Gives the generated task a body that writes a row through an injected
 * TypeORM repository, so a test can count how often it ran.
 */
export function giveTaskABody(appDir: string, taskFile: string, kind: ModuleKind): void {
  const js = kind === 'esm' ? '.js' : '';
  mkdirSync(path.join(appDir, 'src/marks'), { recursive: true });
  writeFileSync(
    path.join(appDir, 'src/marks/mark.entity.ts'),
    `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('marks')
export class Mark {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  note!: string;
}
`,
  );
  edit(path.join(appDir, 'src/deploy-tasks', taskFile), (text) =>
    text
      .replace(
        "from 'after-party';\n",
        `from 'after-party';\nimport { InjectRepository } from '@nestjs/typeorm';\nimport type { Repository } from 'typeorm';\nimport { Mark } from '../marks/mark.entity${js}';\n`,
      )
      .replace(
        / {2}\/\/ Make it `async run[^\n]*\n {2}run\(ctx: TaskContext\): void \{[\s\S]*?\n {2}\}\n/,
        `  constructor(@InjectRepository(Mark) private readonly marks: Repository<Mark>) {}

  async run(ctx: TaskContext): Promise<void> {
    await this.marks.save(this.marks.create({ note: \`run \${ctx.runId}\` }));
    ctx.logger.log('Wrote a mark');
  }
`,
      ),
  );
  edit(path.join(appDir, 'src/deploy-tasks/deploy-tasks.module.ts'), (text) =>
    text
      .replace(
        "import { Module } from '@nestjs/common';\n",
        `import { Module } from '@nestjs/common';\nimport { TypeOrmModule } from '@nestjs/typeorm';\nimport { Mark } from '../marks/mark.entity${js}';\n`,
      )
      .replace('@Module({\n', '@Module({\n  imports: [TypeOrmModule.forFeature([Mark])],\n'),
  );
}
