import { dirname, join, normalize } from '@angular-devkit/core';
import { Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import { parseSourceFile } from './source-file';
import { typescript } from './typescript';

/** Where the application's root module is. */
export interface RootModule {
  /** Tree path of the file, e.g. `src/app.module.ts`. */
  readonly path: string;
  /** Class name, e.g. `AppModule`. */
  readonly className: string;
}

const NEST_FACTORY_METHODS = new Set(['create', 'createApplicationContext', 'createMicroservice']);

/**
 * Finds the root module: the module passed to `NestFactory.create(...)` in
 * `<sourceRoot>/main.ts` and the file it is imported from, else the
 * `AppModule` of `<sourceRoot>/app.module.ts`.
 *
 * @returns undefined when neither can be found.
 */
export function findRootModule(tree: Tree, sourceRoot: string): RootModule | undefined {
  const mainPath = join(normalize(sourceRoot), 'main.ts');
  if (tree.exists(mainPath)) {
    const fromMain = rootModuleOfMain(tree, mainPath);
    if (fromMain) return fromMain;
  }
  const appModulePath = join(normalize(sourceRoot), 'app.module.ts');
  if (tree.exists(appModulePath)) {
    return { path: appModulePath, className: 'AppModule' };
  }
  return undefined;
}

/** The identifier of the module passed to `NestFactory.create*()` in a file, if any. */
export function nestFactoryModuleName(source: TypeScript.SourceFile): string | undefined {
  const ts = typescript();
  let found: string | undefined;
  const visit = (node: TypeScript.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.expression.getText(source) === 'NestFactory' &&
      NEST_FACTORY_METHODS.has(node.expression.name.text) &&
      node.arguments[0] !== undefined &&
      ts.isIdentifier(node.arguments[0])
    ) {
      found = node.arguments[0].text;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function rootModuleOfMain(tree: Tree, mainPath: string): RootModule | undefined {
  const ts = typescript();
  const source = parseSourceFile(tree, mainPath);
  const className = nestFactoryModuleName(source);
  if (!className) return undefined;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    if (!bindings.elements.some((element) => element.name.text === className)) continue;
    const specifier = statement.moduleSpecifier.text;
    if (!specifier.startsWith('.')) return undefined;
    const path = join(dirname(normalize(mainPath)), `${specifier.replace(/\.(js|ts)$/, '')}.ts`);
    return tree.exists(path) ? { path, className } : undefined;
  }
  return undefined;
}
