import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The package as an app sees it once installed: its entry points under every module
 * resolution TypeScript users configure, and what `npm pack` ships. Reads the dist/ that the
 * Jest global setup builds.
 */
const ROOT = resolve(__dirname, '../..');

let app: string;

beforeAll(() => {
  // An app folder whose node_modules/after-party is this repository, as `npm install` would make it.
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  app = mkdtempSync(join(ROOT, '.tmp', 'consumer-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules', 'after-party'), 'junction');
});

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

/** The entries besides the main one: `after-party/<name>`, each a folder of dist/. */
const SUBPATHS = ['testing', 'terminus', 'typeorm', 'mongoose', 'dashboard'];

const RESOLUTIONS: Array<[string, ts.CompilerOptions]> = [
  ['node (node10)', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }],
  ['node16', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
  ['nodenext', { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }],
  ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
];

describe.each(RESOLUTIONS)('TypeScript with moduleResolution %s', (_name, options) => {
  const typesOf = (specifier: string): string | undefined => {
    const resolved = ts.resolveModuleName(specifier, join(app, 'src', 'app.spec.ts'), options, ts.sys).resolvedModule;
    return resolved && realpathSync(resolved.resolvedFileName);
  };

  it('finds the types of after-party and of each subpath entry', () => {
    expect(typesOf('after-party')).toBe(join(ROOT, 'dist', 'index.d.ts'));
    for (const entry of SUBPATHS) {
      expect(typesOf(`after-party/${entry}`)).toBe(join(ROOT, 'dist', entry, 'index.d.ts'));
    }
  });
});

describe('at runtime', () => {
  it.each(SUBPATHS)('require resolves after-party/%s through exports, and through its folder for tools that ignore exports', (entry) => {
    expect(require.resolve(`after-party/${entry}`, { paths: [app] })).toBe(join(ROOT, 'dist', entry, 'index.js'));
    const throughFolder = require.resolve(join(app, 'node_modules', 'after-party', entry));
    expect(realpathSync(throughFolder)).toBe(join(ROOT, 'dist', entry, 'index.js'));
  });

  it('is exported and shipped as testing and terminus are', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const entry of SUBPATHS) {
      expect(manifest.exports[`./${entry}`]).toEqual({ types: `./dist/${entry}/index.d.ts`, default: `./dist/${entry}/index.js` });
      expect(manifest.files).toContain(`${entry}/package.json`);
    }
  });

  it('keeps the store helpers out of the main entry, and each in its own', () => {
    const main = readFileSync(join(ROOT, 'dist', 'index.d.ts'), 'utf8');
    expect(main).not.toMatch(/typeormKeyset|mongooseKeyset|createAfterPartyMigration|createAfterPartyRecordEntity/);
    expect(readFileSync(join(ROOT, 'dist', 'typeorm', 'index.d.ts'), 'utf8')).toMatch(/typeormKeyset[\s\S]*createAfterPartyMigration[\s\S]*createAfterPartyRecordEntity/);
    expect(readFileSync(join(ROOT, 'dist', 'mongoose', 'index.d.ts'), 'utf8')).toMatch(/mongooseKeyset/);
  });

  it('keeps the dashboard out of the main entry: an app that does not import it never loads it', () => {
    expect(readFileSync(join(ROOT, 'dist', 'index.d.ts'), 'utf8')).not.toMatch(/Dashboard/);
    const loaded = execFileSync(
      process.execPath,
      ['-e', "require('reflect-metadata'); require('./dist'); console.log(Object.keys(require.cache).filter((file) => file.includes('/dist/dashboard/')).length)"],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(loaded.trim()).toBe('0');
  });

  it('keeps the testing helpers out of the main entry', () => {
    const main = readFileSync(join(ROOT, 'dist', 'index.d.ts'), 'utf8');
    expect(main).not.toMatch(/AfterPartyTester|AfterPartyTestingModule/);
    expect(readFileSync(join(ROOT, 'dist', 'testing', 'index.d.ts'), 'utf8')).toMatch(/AfterPartyTester[\s\S]*AfterPartyTestingModule/);
  });
});

describe('the build', () => {
  it('emits no source maps (lib/ is not shipped for them to point at) and starts from an empty dist/', () => {
    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, host);
    expect(config?.options).toMatchObject({ sourceMap: false, declarationMap: false });
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.build).toMatch(/rmSync\('dist'.*&& tsc -p tsconfig\.build\.json$/);
  });

  it('npm pack ships dist/ and every entry, and no sources', () => {
    const output = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    const files = (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path);

    const entries = ['dist/index.js', 'dist/index.d.ts', ...SUBPATHS.flatMap((entry) => [`dist/${entry}/index.js`, `dist/${entry}/index.d.ts`, `${entry}/package.json`])];
    expect(files).toEqual(expect.arrayContaining(['package.json', 'LICENSE', ...entries]));
    expect(files.filter((file) => file.startsWith('lib/') || file.startsWith('test/'))).toEqual([]);
  });

  it("every relative link of the README points at a file the package ships (npm's page and node_modules show it)", () => {
    const output = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    const files = new Set((JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0].files.map((file) => file.path));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));

    expect(relative.length).toBeGreaterThan(0);
    expect([...new Set(relative)].filter((target) => !files.has(target))).toEqual([]);
  });
});
