import { SchematicsException, Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import * as messages from './messages';
import { indentationAt, insertAt, parseSourceFile, readText } from './source-file';
import { typescript } from './typescript';

/** What to add to a `@Module({...})` decorator. */
export interface ModuleMetadataEntry {
  /** The metadata array, e.g. `imports` or `providers`. */
  readonly property: 'imports' | 'providers';
  /** The expression to append, e.g. `AfterPartyModule.forRoot({ store: 'typeorm' })`. */
  readonly element: string;
  /** The identifier whose presence in the array means "already there". */
  readonly identifier: string;
}

/**
 * Appends an element to an array of the first `@Module()` class of a file,
 * creating the property or the metadata object when missing, the way
 * `nest g service` registers a provider. Keeps one-line arrays on one line
 * and multi-line arrays multi-line.
 *
 * @returns false when the array already mentions `identifier`.
 * @throws SchematicsException when the file has no `@Module()` class or the
 * property is not an array literal (e.g. a spread variable).
 */
export function addToModuleMetadata(tree: Tree, path: string, entry: ModuleMetadataEntry): boolean {
  const ts = typescript();
  const source = parseSourceFile(tree, path);
  const call = findModuleDecoratorCall(ts, source);
  if (!call) {
    throw new SchematicsException(messages.cannotEditModule(path, entry.property, entry.element));
  }

  const metadata = call.arguments[0];
  if (metadata === undefined) {
    const indent = indentationAt(source.getFullText(), call.getStart(source));
    insertAt(tree, path, call.arguments.pos, `{\n${indent}  ${entry.property}: [${entry.element}],\n${indent}}`);
    return true;
  }
  if (!ts.isObjectLiteralExpression(metadata)) {
    throw new SchematicsException(messages.cannotEditModule(path, entry.property, entry.element));
  }

  const property = metadata.properties.find(
    (candidate): candidate is TypeScript.PropertyAssignment =>
      ts.isPropertyAssignment(candidate) && candidate.name.getText(source) === entry.property,
  );
  if (!property) {
    addProperty(tree, path, source, metadata, `${entry.property}: [${entry.element}]`);
    return true;
  }
  if (!ts.isArrayLiteralExpression(property.initializer)) {
    throw new SchematicsException(messages.cannotEditModule(path, entry.property, entry.element));
  }

  const array = property.initializer;
  const mentioned = new RegExp(`\\b${entry.identifier}\\b`);
  if (array.elements.some((element) => mentioned.test(element.getText(source)))) {
    return false;
  }
  appendToArray(tree, path, source, array, entry.element);
  return true;
}

function findModuleDecoratorCall(
  ts: typeof TypeScript,
  source: TypeScript.SourceFile,
): TypeScript.CallExpression | undefined {
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement)) continue;
    const decorators = ts.canHaveDecorators(statement) ? (ts.getDecorators(statement) ?? []) : [];
    for (const decorator of decorators) {
      const expression = decorator.expression;
      if (ts.isCallExpression(expression) && expression.expression.getText(source) === 'Module') {
        return expression;
      }
    }
  }
  return undefined;
}

function addProperty(
  tree: Tree,
  path: string,
  source: TypeScript.SourceFile,
  metadata: TypeScript.ObjectLiteralExpression,
  property: string,
): void {
  if (metadata.properties.length === 0) {
    // An empty object becomes multi-line, as Prettier prints decorator metadata.
    const text = readText(tree, path);
    const indent = indentationAt(text, metadata.getStart(source));
    const replacement = `{\n${indent}  ${property},\n${indent}}`;
    tree.overwrite(path, text.slice(0, metadata.getStart(source)) + replacement + text.slice(metadata.getEnd()));
    return;
  }
  appendToList(tree, path, source, metadata.properties, metadata.getStart(source) + 1, property);
}

/** Prettier's default print width, which Nest projects use. */
const PRINT_WIDTH = 80;

/**
 * Appends to an array literal. A one-line array stays on one line while it
 * fits in the print width, else it is rewritten one element per line, the way
 * Prettier would print it.
 */
function appendToArray(
  tree: Tree,
  path: string,
  source: TypeScript.SourceFile,
  array: TypeScript.ArrayLiteralExpression,
  element: string,
): void {
  const content = source.getFullText();
  const start = array.getStart(source);
  const arrayText = array.getText(source);
  if (array.elements.length > 0 && arrayText.includes('\n')) {
    appendToList(tree, path, source, array.elements, start + 1, element);
    return;
  }
  const texts = [...array.elements.map((el) => el.getText(source)), element];
  const oneLine = `[${texts.join(', ')}]`;
  const lineStart = content.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = content.indexOf('\n', array.getEnd());
  const rest = content.slice(array.getEnd(), lineEnd === -1 ? content.length : lineEnd);
  const width = start - lineStart + oneLine.length + rest.length;
  const indent = indentationAt(content, start);
  const replacement =
    width <= PRINT_WIDTH ? oneLine : `[\n${texts.map((text) => `${indent}  ${text},\n`).join('')}${indent}]`;
  tree.overwrite(path, content.slice(0, start) + replacement + content.slice(array.getEnd()));
}

/** Appends after the last element of a non-empty or empty list of nodes. */
function appendToList(
  tree: Tree,
  path: string,
  source: TypeScript.SourceFile,
  elements: TypeScript.NodeArray<TypeScript.Node>,
  openPosition: number,
  text: string,
): void {
  const last = elements[elements.length - 1];
  if (!last) {
    insertAt(tree, path, openPosition, text);
    return;
  }
  const content = source.getFullText();
  const multiLine = content.slice(openPosition, last.getStart(source)).includes('\n');
  const insertion = multiLine ? `,\n${indentationAt(content, last.getStart(source))}${text}` : `, ${text}`;
  insertAt(tree, path, last.getEnd(), insertion);
}
