/**
 * What `batch-task` generates works: the task and its spec compile against the library as a
 * strict app builds them (CommonJS and ESM, TypeORM and Mongoose), the spec passes as
 * generated, and the task still compiles once filled in the way its comments say.
 */
import { Logger } from '@nestjs/common';
import type { UnitTestTree } from '@angular-devkit/schematics/testing';
import type { AfterPartyStore as Store } from '../../schematics/src/utils/store';
import { createAppTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { runGeneratedSpec } from './helpers/run-generated-spec';
import { createRunner } from './helpers/runner';
import { typeErrors } from './helpers/type-check';

const TASK_FILE = '20261126094512-backfill-user-slugs.task';
const TASK = `src/deploy-tasks/${TASK_FILE}.ts`;
const SPEC = `src/deploy-tasks/${TASK_FILE}.spec.ts`;

const STORES: Store[] = ['typeorm', 'mongoose'];

/** The entity or model a developer points the task at, and the helper its comments use. */
const STUBS: Record<Store, string> = {
  typeorm: `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity()
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  name!: string;

  @Column({ type: 'varchar', nullable: true })
  slug!: string | null;
}

export const slugify = (name: string): string => name.toLowerCase();
`,
  mongoose: `import { Prop, Schema } from '@nestjs/mongoose';

// A schema class as Nest's docs write one: without an _id property of its own.
@Schema()
export class User {
  @Prop()
  name!: string;

  @Prop()
  slug?: string;
}

export const slugify = (name: string): string => name.toLowerCase();
`,
};

/**
 * The task as a developer finishes it by following its comments: the entity aliased as
 * `Item`, the commented examples in place of the placeholders, and their imports added.
 */
function fillIn(task: string, store: Store): string {
  const keyset = store === 'typeorm' ? 'typeormKeyset' : 'mongooseKeyset';
  return task
    .replace(/^type Item = .*$/m, store === 'typeorm' ? 'type Item = User;' : 'type Item = User & { _id: Types.ObjectId };')
    .replace("} from 'after-party';\n", `} from 'after-party';\nimport { ${keyset} } from 'after-party/${store}';\nimport { slugify, User } from './user';\n`)
    .replace(/^ {4}\/\/ {3}/gm, '    ')
    .replace(/^ {4}ctx\.logger\.warn\(.*\n/gm, '')
    .replace(/^ {4}return \{ page: .*\n/m, '')
    .replace(/^ {2}\/\/ Make it `async processBatch.*\n {2}processBatch\((.*)\): void \{/m, '  async processBatch($1): Promise<void> {');
}

describe('the files batch-task generates', () => {
  const generated: Record<string, UnitTestTree> = {};

  beforeAll(async () => {
    freezeClock('2026-11-26T09:45:12Z');
    const runner = createRunner();
    for (const store of STORES) {
      for (const esm of [false, true]) {
        generated[`${store}-${esm ? 'esm' : 'cjs'}`] = await runner.runSchematic(
          'batch-task',
          { name: 'backfill-user-slugs', store },
          createAppTree({ esm }),
        );
      }
    }
    jest.restoreAllMocks();
  });

  it('type-check against the library, as generated and once filled in, with no error', () => {
    const files: Record<string, string> = {};
    for (const [variant, tree] of Object.entries(generated)) {
      files[`${variant}/${TASK_FILE}.ts`] = tree.readContent(TASK);
      files[`${variant}/${TASK_FILE}.spec.ts`] = tree.readContent(SPEC);
      if (variant.endsWith('esm')) files[`${variant}/package.json`] = '{ "type": "module" }';
    }
    for (const store of STORES) {
      files[`${store}-filled/user.ts`] = STUBS[store];
      files[`${store}-filled/task.ts`] = fillIn(generated[`${store}-cjs`].readContent(TASK), store);
    }
    // Proof that the check bites: the spec with something the tester does not take.
    const byClass = `by-class/${TASK_FILE}.spec.ts`;
    files[`by-class/${TASK_FILE}.ts`] = generated['typeorm-cjs'].readContent(TASK);
    files[byClass] = generated['typeorm-cjs'].readContent(SPEC).replace('tester.run(BackfillUserSlugsTask)', 'tester.run(12345)');

    const { [byClass]: byClassErrors, ...errors } = typeErrors(files);

    expect(byClassErrors).toEqual([expect.stringContaining("Argument of type 'number' is not assignable")]);
    expect(Object.keys(errors)).toHaveLength(1 + 4 * 2 + 2 * 2 + 1);
    for (const [file, messages] of Object.entries(errors)) {
      expect({ file, messages }).toEqual({ file, messages: [] });
    }
  });

  it('fills in without placeholders left', () => {
    for (const store of STORES) {
      const filled = fillIn(generated[`${store}-cjs`].readContent(TASK), store);

      expect(filled).not.toMatch(/\/\/ {3}|Promise\.resolve\(\[\]\)|ctx\.logger|type Item = \{/);
      expect(filled).toContain(store === 'typeorm' ? 'return typeormKeyset(' : 'return mongooseKeyset(');
    }
  });

  it.each(STORES)('%s: the spec passes as generated, the task warning that it has nothing to do yet', async (store) => {
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    Logger.overrideLogger(false);
    const tree = generated[`${store}-cjs`];

    const ran = await runGeneratedSpec(tree.readContent(SPEC), { [`./${TASK_FILE}`]: tree.readContent(TASK) });

    expect(ran).toEqual(['completes']);
    expect(warnings).toHaveBeenCalledWith('No collection described yet: nothing to do');
  });
});
