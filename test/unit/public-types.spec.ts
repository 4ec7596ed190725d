import { typeErrors as typeErrorsOfFiles } from '../schematics/helpers/type-check';

/** Type-checks task sources (by name) as a strict TypeScript user's project would; each one's error messages. */
function typeErrors(sources: Record<string, string>): Record<string, string[]> {
  const byFile = typeErrorsOfFiles(Object.fromEntries(Object.entries(sources).map(([name, source]) => [`${name}.ts`, source])));
  return Object.fromEntries(Object.keys(sources).map((name) => [name, byFile[`${name}.ts`]]));
}

const errors = typeErrors({
  valid: `
    import type { EntityManager } from 'typeorm';
    import { AfterPartyTask, type DeployTask, type TaskContext, type TransactionalTaskContext } from 'after-party';

    @AfterPartyTask({ version: '20260101000001' })
    export class Plain implements DeployTask {
      async run(ctx: TaskContext<{ lastId: number }>): Promise<void> {
        ctx.logger.debug('debug line');
        ctx.logger.verbose('verbose line');
        const from: number = ctx.resumeFrom?.lastId ?? 0;
        await ctx.checkpoint({ lastId: from + 1 });
      }
    }

    @AfterPartyTask({ version: '20260101000002', transaction: true })
    export class InTransaction implements DeployTask {
      async run(ctx: TransactionalTaskContext<EntityManager>): Promise<void> {
        await ctx.manager.query('SELECT 1');
      }
    }
  `,
  plainRows: `
    import type { Repository } from 'typeorm';
    import { typeormKeyset } from 'after-party/typeorm';
    interface User { id: number; name: string; email: string }
    export async function read(users: Repository<User>): Promise<void> {
      const entities = await typeormKeyset(users, { key: 'id' }).page(undefined, 10);
      const email: string = entities[0].email;
      const narrow = await typeormKeyset(users, { key: 'id', plain: true, select: ['name'] }).page(undefined, 10);
      // The key is read too.
      const name: string = narrow[0].name;
      const id: number = narrow[0].id;
      const missing = narrow[0].email;
      void email, name, id, missing;
    }
  `,
  plainMistakes: `
    import type { Repository } from 'typeorm';
    import { typeormKeyset } from 'after-party/typeorm';
    interface User { id: number; name: string }
    export function mistakes(users: Repository<User>): void {
      typeormKeyset(users, { key: 'id', plain: true, select: ['nmae'] });
      typeormKeyset(users, { key: 'id', select: ['name'] });
    }
  `,
  wrongCheckpoint: `
    import type { TaskContext } from 'after-party';
    export async function run(ctx: TaskContext<{ lastId: number }>): Promise<void> {
      await ctx.checkpoint({ lastId: 'not a number' });
    }
  `,
});

describe('types a strict TypeScript user touches', () => {
  it('compiles logger debug/verbose, typed checkpoints and a transactional EntityManager without casts', () => {
    expect(errors.valid).toEqual([]);
  });

  it('types typeormKeyset items as entities, and plain rows with `select` as the selected properties and the key', () => {
    expect(errors.plainRows).toEqual([expect.stringMatching(/^Property 'email' does not exist on type 'Pick<User, "(id" \| "name|name" \| "id)">'\.$/)]);
  });

  it('refuses a `select` that names no property, and `select` without `plain`', () => {
    expect(errors.plainMistakes).toHaveLength(2);
    expect(errors.plainMistakes.every((error) => /No overload matches this call/.test(error))).toBe(true);
  });

  it('refuses a checkpoint of the wrong shape', () => {
    expect(errors.wrongCheckpoint).toEqual([expect.stringMatching(/Type 'string' is not assignable to type 'number'/)]);
  });
});
