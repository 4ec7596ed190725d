// The dependency sets the fixture app runs against. `nest11` is this repository's own
// node_modules. The others are each a package.json and lockfile in test/fixtures/variants/<name>,
// installed by the test setup (test/setup/install-variants.js) beside copies of the built library
// and fixture app, in a folder of the system's temporary directory: never inside this
// repository, where Node's lookup would climb from the copy to this repository's node_modules
// and load Nest 11 packages the set lacks.
const { createHash } = require('node:crypto');
const { readFileSync, realpathSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** Where the built fixture app runs from in the repository itself. */
const NEST11_MAIN = join(ROOT, 'test', 'fixtures', 'app', 'dist', 'main.js');

/** The sets installed apart from the repository's node_modules. */
const INSTALLED_VARIANTS = ['nest12', 'floors'];

/** What the sets are called in test titles; each names the versions its lockfile pins. */
const LABELS = {
  nest11: (v) => `Nest ${v('@nestjs/core')}`,
  nest12: (v) => `Nest ${v('@nestjs/core')}, ESM-only`,
  floors: (v) =>
    `peer floors: Nest ${v('@nestjs/core')}, TypeORM ${v('typeorm')}, Mongoose ${v('mongoose')}, nest-commander ${v('nest-commander')}`,
};

function variantSource(name) {
  return join(ROOT, 'test', 'fixtures', 'variants', name);
}

/** Where a set is installed: one folder per checkout, kept between runs. */
function variantDir(name) {
  const checkout = createHash('sha256').update(realpathSync(ROOT)).digest('hex').slice(0, 12);
  return join(tmpdir(), 'after-party-fixture-variants', checkout, name);
}

function variantMain(name) {
  return name === 'nest11' ? NEST11_MAIN : join(variantDir(name), 'app', 'dist', 'main.js');
}

/** The version of a package that the set's lockfile pins. */
function lockedVersion(name, pkg) {
  const lockfile = name === 'nest11' ? join(ROOT, 'package-lock.json') : join(variantSource(name), 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockfile, 'utf8'));
  return lock.packages[`node_modules/${pkg}`]?.version ?? '?';
}

function variantLabel(name) {
  return LABELS[name]((pkg) => lockedVersion(name, pkg));
}

module.exports = { INSTALLED_VARIANTS, lockedVersion, variantDir, variantLabel, variantMain, variantSource };
