import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { readJson, writeJson } from './project';

/** The package the `after-party:*` commands run on, which the app must depend on. */
export const NEST_COMMANDER = 'nest-commander';

/**
 * The range of a peer dependency of after-party, read from after-party's own package.json
 * (at the package root, three folders up from schematics/src/utils and schematics/dist/utils
 * alike), so the range the schematic writes is always the one the library declares.
 */
export function peerRange(name: string): string {
  const own = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf-8')) as {
    peerDependencies?: Record<string, string>;
  };
  const range = own.peerDependencies?.[name];
  if (!range) throw new Error(`after-party's package.json declares no peer dependency ${name}.`);
  return range;
}

/** What {@link addDependency} did. */
export type DependencyChange = 'added' | 'present' | 'dev-only' | 'no-package-json';

/**
 * Adds `name` at `range` to the app's `dependencies` unless the app already depends on it.
 * A package only in `devDependencies` is left there (with a warning): deploys that omit dev
 * dependencies would not have it.
 */
export function addDependency(tree: Tree, context: SchematicContext, name: string, range: string): DependencyChange {
  const packageJson = readJson(tree, 'package.json');
  if (!packageJson) {
    context.logger.warn(`No package.json found: add ${name} to your dependencies (npm install ${name}).`);
    return 'no-package-json';
  }
  const dependencies = (packageJson.dependencies as Record<string, string> | undefined) ?? {};
  if (dependencies[name] !== undefined) return 'present';
  if ((packageJson.devDependencies as Record<string, string> | undefined)?.[name] !== undefined) {
    context.logger.warn(
      `${name} is only in devDependencies: deploys that install without dev dependencies ` +
        'cannot run after-party:* commands. Move it to dependencies.',
    );
    return 'dev-only';
  }
  // Sorted, as npm itself keeps them.
  const sorted = Object.fromEntries(Object.entries({ ...dependencies, [name]: range }).sort(([a], [b]) => a.localeCompare(b)));
  writeJson(tree, 'package.json', { ...packageJson, dependencies: sorted });
  return 'added';
}
