import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { FixtureApp } from '../support/fixture-app';
import { describeEachVariant } from '../support/fixture-variants';
import { loadedFiles } from '../support/in-process-cli';
const { lockedVersion, variantDir } = require('../support/variants') as {
  lockedVersion(variant: string, pkg: string): string;
  variantDir(variant: string): string;
};

interface LoadedPackage {
  name: string;
  version: string;
  type: 'module' | 'commonjs';
  folder: string;
}

/** What the suites on these sets rely on: the packages whose versions the sets are about. */
const PINNED = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/mongoose', 'nest-commander', 'typeorm', 'mongoose', 'reflect-metadata'];
const NEST_12_ESM = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/mongoose'];

const plan = { nest11: { sqlite: 'full' }, nest12: { sqlite: 'full' }, floors: { sqlite: 'full' } } as const;

describeEachVariant('the fixture app on a dependency set', plan, (target, variant) => {
  let app: FixtureApp;
  beforeEach(() => (app = new FixtureApp(target, variant)));
  afterEach(() => app.cleanupFiles());

  it('loads one copy of each pinned package, at the version the set pins, from the set itself', async () => {
    const file = join(app.dir, 'loaded.json');
    const result = await app.run(['after-party:status'], {
      AP_LOADED_PACKAGES_FILE: file,
      NODE_OPTIONS: `--require ${join(__dirname, '..', 'support', 'report-loaded-packages.js')}`,
    });
    expect(result.code).toBe(0);
    const loaded: LoadedPackage[] = JSON.parse(readFileSync(file, 'utf8'));
    const copies = (name: string) => loaded.filter((pkg) => pkg.name === name);

    for (const name of PINNED) {
      expect({ name, versions: copies(name).map((pkg) => pkg.version) }).toEqual({ name, versions: [lockedVersion(variant.name, name)] });
    }
    if (variant.name === 'nest11') {
      return;
    }
    // Nest, nest-commander and after-party come from the set's folder, never from this repository's node_modules.
    const own = `${variantDir(variant.name)}${sep}`;
    const outside = loaded.filter(
      (pkg) => (pkg.name.startsWith('@nestjs/') || ['nest-commander', 'after-party'].includes(pkg.name)) && !pkg.folder.startsWith(own),
    );
    expect(outside).toEqual([]);
    expect(copies('after-party').map((pkg) => pkg.folder)).toEqual([join(variantDir(variant.name), 'node_modules', 'after-party')]);
    if (variant.name === 'nest12') {
      expect(NEST_12_ESM.map((name) => [name, copies(name)[0]?.type])).toEqual(NEST_12_ESM.map((name) => [name, 'module']));
    }
  });

  it('runs its commands in the test process on the set itself: its own copy of after-party and of Nest', async () => {
    const inProcess = new FixtureApp(target, variant, {}, true);
    try {
      const result = await inProcess.run(['after-party:status']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('3 tasks: 0 completed, 3 pending');
    } finally {
      inProcess.cleanupFiles();
    }
    const root = variant.name === 'nest11' ? join(__dirname, '..', '..') : variantDir(variant.name);
    const from = (pkg: string, file: string): boolean => loadedFiles().includes(join(root, 'node_modules', pkg, file));
    const library = variant.name === 'nest11' ? join(root, 'dist', 'index.js') : join(root, 'node_modules', 'after-party', 'dist', 'index.js');
    expect({ library: loadedFiles().includes(library), nest: from('@nestjs/core', 'index.js'), commander: from('nest-commander', 'src/index.js') }).toEqual({
      library: true,
      nest: true,
      commander: true,
    });
  });
});
