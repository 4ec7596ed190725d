import { normalize } from '@angular-devkit/core';
import { Tree } from '@angular-devkit/schematics';

const DEFAULT_SOURCE_ROOT = 'src';

/** Reads a JSON file of the tree, or `undefined` when absent or unreadable. */
export function readJson(tree: Tree, path: string): Record<string, unknown> | undefined {
  const buffer = tree.read(path);
  if (!buffer) return undefined;
  try {
    const parsed: unknown = JSON.parse(buffer.toString('utf-8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Rewrites a JSON file of the tree, keeping its indentation and final newline. */
export function writeJson(tree: Tree, path: string, value: Record<string, unknown>): void {
  const text = tree.read(path)?.toString('utf-8') ?? '';
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const newline = text.endsWith('\n') ? '\n' : '';
  tree.overwrite(path, JSON.stringify(value, null, indent) + newline);
}

/**
 * The application's source root: the option the Nest CLI passes, else
 * `sourceRoot` from nest-cli.json, else `src`.
 */
export function resolveSourceRoot(tree: Tree, fromOptions: string | undefined): string {
  if (fromOptions && fromOptions.trim() !== '') {
    return normalize(fromOptions.trim());
  }
  const sourceRoot = readJson(tree, 'nest-cli.json')?.sourceRoot;
  return normalize(typeof sourceRoot === 'string' && sourceRoot !== '' ? sourceRoot : DEFAULT_SOURCE_ROOT);
}

/** True when the application's package.json says `"type": "module"`. */
export function isEsmProject(tree: Tree): boolean {
  return readJson(tree, 'package.json')?.type === 'module';
}
