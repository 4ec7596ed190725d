import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const LIB = join(ROOT, 'lib').replace(/\\/g, '/');

/**
 * Type-checks task files as a strict TypeScript user's project would (one program for all of
 * them: building it is the slow part) and returns each file's error messages.
 */
function typeErrors(sources: Record<string, string>): Record<string, string[]> {
  const dir = mkdtempSync(join(ROOT, '.tmp', 'types-'));
  try {
    const files = Object.entries(sources).map(([name, source]) => {
      const file = join(dir, `${name}.ts`);
      writeFileSync(file, source.replaceAll("'after-party'", `'${LIB}'`));
      return [name, file] as const;
    });
    const program = ts.createProgram(
      files.map(([, file]) => file),
      {
        strict: true,
        noEmit: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        skipLibCheck: true,
        types: ['node'],
      },
    );
    const diagnostics = ts.getPreEmitDiagnostics(program);
    return Object.fromEntries(
      files.map(([name, file]) => [
        name,
        diagnostics.filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

  it('refuses a checkpoint of the wrong shape', () => {
    expect(errors.wrongCheckpoint).toEqual([expect.stringMatching(/Type 'string' is not assignable to type 'number'/)]);
  });
});
