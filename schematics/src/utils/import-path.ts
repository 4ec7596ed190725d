import { posix } from 'node:path';

/**
 * The specifier that imports `toFile` from `fromFile` (both tree paths to
 * .ts files), e.g. `./deploy-tasks/deploy-tasks.module`. ESM projects get the
 * `.js` suffix that Node's ESM resolution needs.
 */
export function relativeImportPath(fromFile: string, toFile: string, esm: boolean): string {
  const from = posix.dirname(`/${fromFile.replace(/^\//, '')}`);
  const to = `/${toFile.replace(/^\//, '').replace(/\.ts$/, '')}`;
  let specifier = posix.relative(from, to);
  if (!specifier.startsWith('.')) {
    specifier = `./${specifier}`;
  }
  return esm ? `${specifier}.js` : specifier;
}
