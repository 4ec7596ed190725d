import { Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import { ensureNamedImport } from './named-import';
import { nestFactoryModuleName } from './root-module';
import { indentationAt, insertAt, parseSourceFile } from './source-file';
import { typescript } from './typescript';

/** What happened to main.ts. */
export type BootstrapWiring = 'wired' | 'already-wired' | 'no-bootstrap';

const COMMAND_FUNCTION = 'runAfterPartyCommand';

/**
 * Makes `if (await runAfterPartyCommand(AppModule)) return;` the first
 * statement of `bootstrap()` in main.ts (using the module that main.ts passes
 * to NestFactory), and imports `runAfterPartyCommand` from after-party.
 */
export function wireBootstrap(tree: Tree, mainPath: string, fallbackModule: string): BootstrapWiring {
  const source = parseSourceFile(tree, mainPath);
  const body = findBootstrapBody(source);
  if (!body) return 'no-bootstrap';
  if (body.getText(source).includes(`${COMMAND_FUNCTION}(`)) return 'already-wired';

  const rootModule = nestFactoryModuleName(source) ?? fallbackModule;
  const statement = `if (await ${COMMAND_FUNCTION}(${rootModule})) return;`;
  const first = body.statements[0];
  if (first) {
    const start = first.getStart(source);
    insertAt(tree, mainPath, start, `${statement}\n${indentationAt(source.getFullText(), start)}`);
  } else {
    insertAt(tree, mainPath, body.getStart(source) + 1, `\n  ${statement}\n`);
  }
  ensureNamedImport(tree, mainPath, COMMAND_FUNCTION, 'after-party');
  return 'wired';
}

/** The body of an async `bootstrap` function (declaration or const). */
function findBootstrapBody(source: TypeScript.SourceFile): TypeScript.Block | undefined {
  const ts = typescript();
  const isAsync = (node: TypeScript.Node): boolean =>
    (ts.getCombinedModifierFlags(node as TypeScript.Declaration) & ts.ModifierFlags.Async) !== 0;
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'bootstrap' && statement.body) {
      return isAsync(statement) ? statement.body : undefined;
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (
          ts.isIdentifier(declaration.name) &&
          declaration.name.text === 'bootstrap' &&
          init &&
          (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) &&
          ts.isBlock(init.body)
        ) {
          return isAsync(init) ? init.body : undefined;
        }
      }
    }
  }
  return undefined;
}
