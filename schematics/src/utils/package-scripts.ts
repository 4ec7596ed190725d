import { SchematicContext, Tree } from '@angular-devkit/schematics';
import { readJson, writeJson } from './project';

/** The after-party commands that get an npm script each. */
export const AFTER_PARTY_COMMANDS = ['after-party:run', 'after-party:status'] as const;

/**
 * Adds `"after-party:run": "node dist/main after-party:run"` and the status
 * script to package.json. The entry point is taken from `start:prod` when it
 * is `node <file>`. Leaves scripts that already exist alone.
 *
 * @returns the names of the scripts added.
 */
export function addPackageScripts(tree: Tree, context: SchematicContext): string[] {
  const packageJson = readJson(tree, 'package.json');
  if (!packageJson) {
    context.logger.warn('No package.json found: add the after-party:run and after-party:status scripts by hand.');
    return [];
  }
  const scripts = { ...((packageJson.scripts as Record<string, string> | undefined) ?? {}) };
  const entry = /^node\s+(\S+)$/.exec(scripts['start:prod'] ?? '')?.[1] ?? 'dist/main';
  const added: string[] = [];
  for (const command of AFTER_PARTY_COMMANDS) {
    if (scripts[command] !== undefined) continue;
    scripts[command] = `node ${entry} ${command}`;
    added.push(command);
  }
  if (added.length > 0) {
    writeJson(tree, 'package.json', { ...packageJson, scripts });
  }
  return added;
}
