import { Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import { insertAt, parseSourceFile } from './source-file';
import { typescript } from './typescript';

/**
 * Makes `name` importable in a .ts file of the tree from `specifier`: does
 * nothing when the file already imports that name (from anywhere), adds it to
 * an existing import of the same specifier, or else adds an import line after
 * the last import. Keeps the file's quote style.
 *
 * @returns true when the file changed.
 */
export function ensureNamedImport(tree: Tree, path: string, name: string, specifier: string): boolean {
  const ts = typescript();
  const source = parseSourceFile(tree, path);
  const imports = source.statements.filter(ts.isImportDeclaration);

  for (const declaration of imports) {
    const bindings = declaration.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((el) => el.name.text === name)) {
      return false;
    }
    if (declaration.importClause?.name?.text === name) {
      return false;
    }
  }

  const sameSpecifier = imports.find(
    (declaration) =>
      ts.isStringLiteral(declaration.moduleSpecifier) &&
      declaration.moduleSpecifier.text === specifier &&
      !declaration.importClause?.isTypeOnly &&
      declaration.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(declaration.importClause.namedBindings) &&
      declaration.importClause.namedBindings.elements.length > 0,
  );
  if (sameSpecifier) {
    const bindings = sameSpecifier.importClause!.namedBindings as TypeScript.NamedImports;
    const last = bindings.elements[bindings.elements.length - 1];
    insertAt(tree, path, last.getEnd(), `, ${name}`);
    return true;
  }

  const quote = imports[0]?.moduleSpecifier.getText(source).startsWith('"') ? '"' : "'";
  const line = `import { ${name} } from ${quote}${specifier}${quote};`;
  const lastImport = imports[imports.length - 1];
  if (lastImport) {
    insertAt(tree, path, lastImport.getEnd(), `\n${line}`);
  } else {
    insertAt(tree, path, 0, `${line}\n\n`);
  }
  return true;
}
