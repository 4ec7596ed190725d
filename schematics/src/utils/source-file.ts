import { SchematicsException, Tree } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import * as messages from './messages';
import { typescript } from './typescript';

/** Reads a text file of the tree. @throws SchematicsException when absent. */
export function readText(tree: Tree, path: string): string {
  const buffer = tree.read(path);
  if (!buffer) {
    throw new SchematicsException(messages.fileNotFound(path));
  }
  return buffer.toString('utf-8');
}

/** Parses a .ts file of the tree, with parent links set. */
export function parseSourceFile(tree: Tree, path: string): TypeScript.SourceFile {
  const ts = typescript();
  return ts.createSourceFile(path, readText(tree, path), ts.ScriptTarget.Latest, true);
}

/**
 * Inserts `text` at `position` (a character offset, as the TypeScript
 * compiler reports them) of a file of the tree.
 */
export function insertAt(tree: Tree, path: string, position: number, text: string): void {
  const content = readText(tree, path);
  tree.overwrite(path, content.slice(0, position) + text + content.slice(position));
}

/** The whitespace that starts the line holding `position`. */
export function indentationAt(text: string, position: number): string {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}
