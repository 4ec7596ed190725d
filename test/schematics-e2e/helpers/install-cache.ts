import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { runOrThrow } from './shell';

/**
 * The installs of the end-to-end apps, kept between runs outside the checkout:
 * `$AFTER_PARTY_CACHE_DIR` or `~/.cache/after-party`, one folder per key, under `schematics-e2e/`.
 *
 * A key hashes everything the installed tree depends on: the package.json that was installed
 * (without the after-party tarball, which is installed afresh from the packed dist/ on every run
 * and never cached), after-party's own dependency and peer ranges, and Node's and npm's versions,
 * platform and architecture (better-sqlite3 is compiled for them). The registry's ranges resolve
 * to newer releases over time: an entry older than a week is installed again.
 */
const CACHE_ROOT = path.join(process.env.AFTER_PARTY_CACHE_DIR ?? path.join(homedir(), '.cache', 'after-party'), 'schematics-e2e');
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const MARKER = '.complete';

let npmVersion: string | undefined;

/** The cache key of an install: a hash of `parts` and of the toolchain that installs and builds. */
export function installKey(label: string, parts: unknown): string {
  npmVersion ??= runOrThrow('npm', ['--version'], cacheRoot()).stdout.trim();
  const hash = createHash('sha256')
    .update(JSON.stringify({ parts, node: process.version, npm: npmVersion, platform: process.platform, arch: process.arch }))
    .digest('hex')
    .slice(0, 16);
  return `${label}-${hash}`;
}

function cacheRoot(): string {
  mkdirSync(CACHE_ROOT, { recursive: true });
  return CACHE_ROOT;
}

function entryDir(key: string): string | undefined {
  const dir = path.join(CACHE_ROOT, key);
  const marker = path.join(dir, MARKER);
  if (!existsSync(marker) || Date.now() - statSync(marker).mtimeMs > MAX_AGE_MS) {
    return undefined;
  }
  return dir;
}

/**
 * Copies a cached install's files into `dir` (hard links: the copy costs no disk and seconds,
 * not minutes; nothing the tests run writes over an installed file in place). npm's own
 * `node_modules/.package-lock.json` is left out, so that npm never rewrites a linked file:
 * it reads the tree instead. Returns whether the cache had the key.
 */
export function restoreInstall(key: string, dir: string, files: string[]): boolean {
  const cached = entryDir(key);
  if (!cached) {
    return false;
  }
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const from = path.join(cached, file);
    if (!existsSync(from)) continue;
    if (file === 'node_modules') {
      runOrThrow('cp', ['-al', from, path.join(dir, file)], dir);
    } else {
      cpSync(from, path.join(dir, file), { recursive: true });
    }
  }
  return true;
}

/**
 * Keeps `files` of `dir` (just installed) under `key`, minus the paths of `leaveOut` inside
 * node_modules, and minus those packages' entries in package-lock.json. Written to a
 * temporary folder and renamed into place, so that a run at the same time never reads half
 * an entry.
 */
export function saveInstall(key: string, dir: string, files: string[], leaveOut: string[] = []): void {
  const final = path.join(cacheRoot(), key);
  const temporary = `${final}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  for (const file of files) {
    const from = path.join(dir, file);
    if (!existsSync(from)) continue;
    if (file === 'node_modules') {
      runOrThrow('cp', ['-al', from, path.join(temporary, file)], dir);
      rmSync(path.join(temporary, file, '.package-lock.json'), { force: true });
      for (const name of leaveOut) {
        rmSync(path.join(temporary, file, name), { recursive: true, force: true });
      }
    } else if (file === 'package-lock.json' && leaveOut.length > 0) {
      const lock = JSON.parse(readFileSync(from, 'utf8')) as { packages?: Record<string, { dependencies?: Record<string, string> }> };
      for (const name of leaveOut) {
        delete lock.packages?.[`node_modules/${name}`];
        delete lock.packages?.['']?.dependencies?.[name];
      }
      writeFileSync(path.join(temporary, file), `${JSON.stringify(lock, null, 2)}\n`);
    } else {
      cpSync(from, path.join(temporary, file), { recursive: true });
    }
  }
  writeFileSync(path.join(temporary, MARKER), new Date().toISOString());
  if (entryDir(key)) {
    // Another run saved the same key meanwhile.
    rmSync(temporary, { recursive: true, force: true });
    return;
  }
  rmSync(final, { recursive: true, force: true });
  try {
    renameSync(temporary, final);
  } catch {
    // Another run saved the same key first.
    rmSync(temporary, { recursive: true, force: true });
  }
}
