import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Whether `entry` is an ES module: a `.mjs` file, or a `.js` file whose nearest package.json says `"type": "module"` (Node's rule). */
function isEsModule(entry: string): boolean {
  if (entry.endsWith('.mjs')) {
    return true;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
    }
  }
  return false;
}

/**
 * Whether the app may be using the optional package `name`: `false` only when that is certain,
 * because it is not installed, or its CommonJS build has not been loaded by anyone (every load of
 * a CommonJS module, from `require` or `import`, goes through require's cache). An ES-module build
 * may have been imported without passing through that cache, so it counts as in use. What a command
 * process looks for in the app's providers (scheduled jobs, queue workers) is skipped when the
 * package behind them is certainly unused: loading or scanning for it costs every command for nothing.
 */
export function packageMayBeInUse(name: string): boolean {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(name)) {
      return false;
    }
    throw error;
  }
  return Boolean(require.cache[entry]) || isEsModule(entry);
}
