import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { installKey, restoreInstall, saveInstall } from './install-cache';
import { runOrThrow } from './shell';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The two kinds of application `nest new` (Nest 12) makes. */
export type ModuleKind = 'cjs' | 'esm';

/** The versions the fixture apps add to what `nest new` gives them. */
const EXTRA_DEPENDENCIES: Record<string, string> = {
  '@nestjs/typeorm': '^12.0.0',
  typeorm: '^1.1.0',
  'better-sqlite3': '^12.0.0',
  'nest-commander': '^3.21.0',
};

/**
 * Creates a fresh Nest 12 application with the real @nestjs/cli 12 from the
 * npm registry (installed in `toolsDir`), without installing its packages.
 *
 * `nest new` without a terminal makes an ESM app (`"type": "module"`, the
 * @nestjs/schematics 12 default); it has no flag for the module system, so
 * the CommonJS app comes from the same application schematic run through the
 * schematics CLI that @nestjs/cli ships, with `--type=cjs`.
 */
export function createNestApp(toolsDir: string, workDir: string, name: string, kind: ModuleKind): string {
  const modules = path.join(toolsDir, 'node_modules');
  if (kind === 'esm') {
    runOrThrow(
      process.execPath,
      [path.join(modules, '@nestjs/cli/bin/nest.js'), 'new', name, '--skip-git', '--skip-install', '--package-manager', 'npm', '--no-observe'],
      workDir,
    );
  } else {
    runOrThrow(
      process.execPath,
      [
        path.join(modules, '@angular-devkit/schematics-cli/bin/schematics.js'),
        '@nestjs/schematics:application',
        `--name=${name}`,
        '--type=cjs',
        '--package-manager=npm',
        // schematics-cli reads `--no-x` as x=true: say false explicitly.
        '--observe=false',
      ],
      workDir,
    );
  }
  return path.join(workDir, name);
}

/**
 * Adds the library tarball, TypeORM with SQLite and nest-commander to the
 * app's package.json (approving better-sqlite3's build script, which npm 11
 * blocks by default) and installs everything with `npm install`.
 *
 * Everything but the tarball comes from the install cache when it holds the
 * same package.json (see install-cache.ts): then `npm install` finds the rest
 * in place, as its lockfile pins it, and installs only the packed library.
 */
export function installApp(appDir: string, tarball: string): void {
  const packageJsonPath = path.join(appDir, 'package.json');
  const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf-8'));
  packageJson.dependencies = { ...packageJson.dependencies, ...EXTRA_DEPENDENCIES };
  packageJson.allowScripts = { ...packageJson.allowScripts, 'better-sqlite3': true };
  const library = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf-8'));
  const key = installKey('app', {
    app: packageJson,
    library: [library.dependencies, library.peerDependencies, library.peerDependenciesMeta, library.optionalDependencies],
  });
  packageJson.dependencies = { ...packageJson.dependencies, 'after-party': `file:${tarball}` };
  writeFileSync(packageJsonPath, `${JSON.stringify(packageJson, null, 2)}\n`);
  const cached = restoreInstall(key, appDir, ['node_modules', 'package-lock.json']);
  runOrThrow('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...(cached ? ['--prefer-offline'] : [])], appDir);
  if (!cached) {
    saveInstall(key, appDir, ['node_modules', 'package-lock.json'], ['after-party']);
  }
}

/**
 * Installs @nestjs/cli 12 into `toolsDir`, or restores the install the cache
 * keeps for it.
 */
export function installNestCli(toolsDir: string, workDir: string): void {
  const spec = '@nestjs/cli@12';
  const key = installKey('nest-cli', spec);
  if (!restoreInstall(key, toolsDir, ['node_modules', 'package.json', 'package-lock.json'])) {
    runOrThrow('npm', ['install', '--prefix', toolsDir, '--no-audit', '--no-fund', '--loglevel=error', spec], workDir);
    saveInstall(key, toolsDir, ['node_modules', 'package.json', 'package-lock.json']);
  }
}

/** Runs the Nest CLI installed in the app. */
export function nest(appDir: string, args: string[]): string {
  return runOrThrow(process.execPath, [path.join(appDir, 'node_modules/@nestjs/cli/bin/nest.js'), ...args], appDir).output;
}
