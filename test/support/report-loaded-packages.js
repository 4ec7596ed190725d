// Preloaded (node --require) into a fixture app process: at exit, writes to
// AP_LOADED_PACKAGES_FILE every package folder the process loaded modules from (its real path),
// with the package's name, version and module type, as JSON. Modules loaded with require(), ES
// modules included, are in require.cache.
const { readFileSync, realpathSync, writeFileSync } = require('node:fs');
const { join, sep } = require('node:path');

process.on('exit', () => {
  const folders = new Map();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf(`${sep}node_modules${sep}`);
    if (at < 0) {
      continue;
    }
    const [first, second] = file.slice(at + '/node_modules/'.length).split(sep);
    const folder = join(file.slice(0, at), 'node_modules', first, first.startsWith('@') ? second : '');
    if (!folders.has(folder)) {
      const { name, version, type = 'commonjs' } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      folders.set(folder, { name, version, type, folder: realpathSync(folder) });
    }
  }
  writeFileSync(process.env.AP_LOADED_PACKAGES_FILE, JSON.stringify([...folders.values()]));
});
