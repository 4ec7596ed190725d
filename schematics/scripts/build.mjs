/**
 * Builds the schematics collection: compiles schematics/src with tsc into
 * schematics/dist, then copies what tsc does not emit (collection.json, each
 * schema.json and the files/ templates) beside the compiled factories.
 *
 * Run with `npm run build:schematics`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

fs.rmSync(dist, { recursive: true, force: true });

const tsc = require.resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) {
  process.exit(compiled.status ?? 1);
}

/** True for the files tsc leaves behind: JSON descriptors and templates. */
function isAsset(relativePath) {
  const segments = relativePath.split(path.sep);
  return relativePath.endsWith('.json') || segments.includes('files');
}

for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const from = path.join(entry.parentPath ?? entry.path, entry.name);
  const relativePath = path.relative(src, from);
  if (!isAsset(relativePath)) continue;
  const to = path.join(dist, relativePath);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
