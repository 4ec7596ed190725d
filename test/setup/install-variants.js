// Installs the fixture app's other dependency sets (Nest 12, the peer floors) for the end-to-end
// suites, each into <tmpdir>/after-party-fixture-variants/<checkout>/<name>, outside this
// repository (see test/support/variants.js):
//
//   package.json, package-lock.json   copied from test/fixtures/variants/<name>
//   node_modules/                     `npm ci` of that lockfile, kept while the lockfile is unchanged
//   node_modules/better-sqlite3, pg, mysql2
//                                     links to this repository's drivers, which no set lists
//                                     (better-sqlite3 is native: linking spares a compile; none
//                                     of them loads Nest)
//   node_modules/after-party/         this repository's package.json and built dist/, copied
//   app/dist/                         the built fixture app, copied
//
// From app/dist, Node resolves `after-party`, Nest and the stores to that folder's node_modules
// only, exactly as in an app that installed them; the copies are refreshed on every run.
//
// Each install is also kept outside the checkout, in $AFTER_PARTY_CACHE_DIR or
// ~/.cache/after-party/fixture-variants/<name>-<key>, the key a hash of the set's package.json and
// lockfile and of Node's version, platform and architecture: a fresh clone hard-links it into
// its own folder instead of running `npm ci` (nothing writes into an installed package; the
// drivers, the library and the app are linked or copied beside them afterwards, never into the
// cache). A changed lockfile is another key, so it is installed afresh.
const { execFileSync, spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { join } = require('node:path');
const { INSTALLED_VARIANTS, variantDir, variantLabel, variantSource } = require('../support/variants');

const ROOT = join(__dirname, '..', '..');
const LINKED_DRIVERS = ['better-sqlite3', 'pg', 'mysql2'];
const MARKER = '.installed';

function lockHash(source) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    hash.update(readFileSync(join(source, file)));
  }
  hash.update(`${process.version} ${process.platform} ${process.arch}`);
  return hash.digest('hex');
}

const CACHE = join(process.env.AFTER_PARTY_CACHE_DIR ?? join(homedir(), '.cache', 'after-party'), 'fixture-variants');

/** The cached install of a set with this hash, when a complete one is there. */
function cachedInstall(name, hash) {
  const dir = join(CACHE, `${name}-${hash.slice(0, 16)}`);
  return existsSync(join(dir, MARKER)) && readFileSync(join(dir, MARKER), 'utf8') === hash ? dir : null;
}

/** Keeps a just installed set in the cache (hard links), written aside and renamed into place. */
function saveToCache(name, hash, dir) {
  const final = join(CACHE, `${name}-${hash.slice(0, 16)}`);
  if (cachedInstall(name, hash)) {
    return;
  }
  const temporary = `${final}.${process.pid}.tmp`;
  try {
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    execFileSync('cp', ['-al', join(dir, 'node_modules'), join(temporary, 'node_modules')]);
    rmSync(join(temporary, 'node_modules', '.package-lock.json'), { force: true });
    writeFileSync(join(temporary, MARKER), hash);
    rmSync(final, { recursive: true, force: true });
    renameSync(temporary, final);
  } catch (error) {
    // A cache that cannot be written costs the next clone an install, nothing more.
    rmSync(temporary, { recursive: true, force: true });
    process.stderr.write(`fixture variants: not cached (${error.message.split('\n')[0]})\n`);
  }
}

function npmCi(dir) {
  const args = ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'];
  if (process.env.CI !== 'true') {
    // Without a registry, skip within seconds rather than after npm's minutes of retries.
    args.push('--fetch-retries=1', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=3000');
  }
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve(`npm could not start: ${error.message}`));
    child.on('close', (code) => {
      const firstError = stderr.split('\n').find((line) => line.startsWith('npm error') && !/^npm error\s*$/.test(line));
      resolve(code === 0 ? null : `npm ci exited ${code}: ${(firstError ?? stderr.trim().split('\n')[0] ?? '').slice(0, 300)}`);
    });
  });
}

/** `npm ci` of the set when its lockfile changed since the last install; null, or why it failed. */
async function installDependencies(name, log) {
  const source = variantSource(name);
  const dir = variantDir(name);
  const hash = lockHash(source);
  const markerFile = join(dir, MARKER);
  if (existsSync(markerFile) && readFileSync(markerFile, 'utf8') === hash) {
    return null;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) {
    cpSync(join(source, file), join(dir, file));
  }
  const started = Date.now();
  const cached = cachedInstall(name, hash);
  if (cached) {
    execFileSync('cp', ['-al', join(cached, 'node_modules'), join(dir, 'node_modules')]);
    writeFileSync(markerFile, hash);
    log(`linked ${name} (${variantLabel(name)}) from ${cached} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return null;
  }
  log(`installing ${name} (${variantLabel(name)}) into ${dir}`);
  const failure = await npmCi(dir);
  if (failure) {
    rmSync(dir, { recursive: true, force: true });
    return failure;
  }
  writeFileSync(markerFile, hash);
  saveToCache(name, hash, dir);
  log(`installed ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return null;
}

/** Links the drivers and copies the current library and fixture app into the set's folder. */
function refreshCopies(name) {
  const dir = variantDir(name);
  const modules = join(dir, 'node_modules');
  const ours = realpathSync(join(ROOT, 'node_modules'));
  for (const driver of LINKED_DRIVERS) {
    rmSync(join(modules, driver), { force: true });
    symlinkSync(realpathSync(join(ours, driver)), join(modules, driver), 'junction');
  }
  // Copied over the last copies, as tsc writes over dist/: a suite of another Jest run still
  // loading them never finds a file missing.
  const library = join(modules, 'after-party');
  mkdirSync(library, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(library, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(library, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'app', 'dist'), join(dir, 'app', 'dist'), { recursive: true });
}

/** The end-to-end spec files that run the fixture app on these sets. */
function variantSuites() {
  const folder = join(ROOT, 'test', 'e2e');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.e2e-spec.ts') && readFileSync(join(folder, file), 'utf8').includes('describeEachVariant'))
    .map((file) => join(folder, file));
}

/**
 * Whether this Jest run includes a suite that needs the sets: `npx jest test/unit` should not
 * wait on an install. CI always installs them.
 */
function wanted(globalConfig) {
  const patterns = globalConfig?.testPathPatterns;
  if (process.env.CI === 'true' || typeof patterns?.toExecutor !== 'function') {
    return true;
  }
  const executor = patterns.toExecutor({ rootDir: ROOT });
  return variantSuites().some((file) => executor.isMatch(file));
}

/**
 * Prepares every installed set, in parallel (with the build, `built`, whose output it copies),
 * and returns what the suites read: per set, whether
 * it is available and, when not, why. With CI=true a set that cannot be installed fails the run.
 */
async function installVariants(globalConfig, built = Promise.resolve()) {
  const log = (message) => process.stderr.write(`fixture variants: ${message}\n`);
  if (!wanted(globalConfig)) {
    return Object.fromEntries(INSTALLED_VARIANTS.map((name) => [name, { available: false, reason: 'not installed for this run' }]));
  }
  const results = await Promise.all(
    INSTALLED_VARIANTS.map(async (name) => {
      const failure = await installDependencies(name, log);
      // The copies are of what the build writes: after it (a failed build fails the setup).
      if (!failure && (await built.then(() => true, () => false))) {
        refreshCopies(name);
      }
      return [name, failure ? { available: false, reason: failure } : { available: true }];
    }),
  );
  const failed = results.filter(([, result]) => !result.available);
  if (failed.length > 0) {
    const summary = failed.map(([name, result]) => `${name}: ${result.reason}`).join('; ');
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but these fixture dependency sets could not be installed: ${summary}`);
    }
    process.stderr.write(`\nNOTICE: fixture dependency sets not installed, their suites are SKIPPED: ${summary}\n`);
  }
  return Object.fromEntries(results);
}

module.exports = { installVariants };
