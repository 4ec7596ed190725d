/**
 * The generated skeletons pass the lint a Nest 11 app runs on them as `nest new` sets it up:
 * ESLint's recommended rules, typescript-eslint's type-checked ones and the template's overrides
 * (Nest 12 apps lint with oxlint, which the end-to-end apps test runs), and Prettier with the
 * app's `.prettierrc`. A skeleton that fails them fails the app's `npm run lint` the moment it
 * is generated.
 */
import eslintJs from '@eslint/js';
import { ESLint } from 'eslint';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import tseslint from 'typescript-eslint';
import { createAppTree } from './helpers/app-tree';
import { freezeClock } from './helpers/frozen-clock';
import { createRunner } from './helpers/runner';
import { LIB } from './helpers/type-check';

const ROOT = resolve(__dirname, '..', '..');
/** The `.prettierrc` of `nest new`. */
const NEST_PRETTIER = { singleQuote: true, trailingComma: 'all' };

/** Every skeleton the collection writes (tasks and their specs), by path. */
async function generatedSkeletons(): Promise<Record<string, string>> {
  const runner = createRunner();
  const files: Record<string, string> = {};
  const collect = (tree: { files: readonly string[]; readContent(path: string): string }, folder: string): void => {
    for (const path of tree.files.filter((file) => /\.task(\.spec)?\.ts$/.test(file))) {
      files[`${folder}${path}`] = tree.readContent(path);
    }
  };
  collect(await runner.runSchematic('task', { name: 'backfill-user-slugs' }, createAppTree()), 'task');
  collect(await runner.runSchematic('every-deploy-task', { name: 'warm-cache' }, createAppTree()), 'every-deploy');
  collect(await runner.runSchematic('tenant-task', { name: 'backfill-invoice-totals' }, createAppTree()), 'tenant');
  for (const store of ['typeorm', 'mongoose']) {
    collect(await runner.runSchematic('batch-task', { name: 'fill-slugs', store }, createAppTree()), `batch-${store}`);
  }
  return files;
}

describe('the generated skeletons under the lint of a Nest app', () => {
  let files: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    freezeClock('2026-11-26T09:45:12Z');
    try {
      files = await generatedSkeletons();
    } finally {
      jest.restoreAllMocks();
    }
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp', 'lint-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text.replaceAll("'after-party'", `'${LIB}'`).replaceAll("'after-party/testing'", `'${LIB}/testing'`));
    }
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, target: 'ES2022', module: 'commonjs', skipLibCheck: true, types: ['node', 'jest'] },
        include: ['**/*.ts'],
      }),
    );
  });

  afterAll(() => {
    if (dir && !process.env.KEEP_LINT) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the task, every-deploy task, per-tenant task and both batched tasks, each with its spec', () => {
    expect(Object.keys(files)).toHaveLength(10);
  });

  it("pass ESLint's recommended and typescript-eslint's type-checked rules (require-await among them)", async () => {
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        eslintJs.configs.recommended,
        ...(tseslint.configs.recommendedTypeChecked as ESLint.Options['overrideConfig'][]),
        { languageOptions: { sourceType: 'commonjs', parserOptions: { project: join(dir, 'tsconfig.json'), tsconfigRootDir: dir } } },
        {
          rules: {
            '@typescript-eslint/no-explicit-any': 'off',
            '@typescript-eslint/no-floating-promises': 'warn',
            '@typescript-eslint/no-unsafe-argument': 'warn',
          },
        },
      ] as ESLint.Options['overrideConfig'],
    });
    const results = await eslint.lintFiles(Object.keys(files));
    const errors = results.flatMap((result) =>
      result.messages.filter((message) => message.severity === 2).map((message) => `${result.filePath.slice(dir.length + 1)}:${message.line} ${message.ruleId}: ${message.message}`),
    );

    expect(errors).toEqual([]);
  });

  it("are formatted as Prettier formats them with nest new's .prettierrc", () => {
    // Prettier 3 loads its parsers with import(), which Jest's CommonJS mode cannot: its CLI runs instead.
    // As generated: the files linted above import the library by its path, which lengthens lines.
    const asGenerated = join(dir, 'as-generated');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(asGenerated, path)), { recursive: true });
      writeFileSync(join(asGenerated, path), text);
    }
    writeFileSync(join(asGenerated, '.prettierrc'), JSON.stringify(NEST_PRETTIER));
    const check = spawnSync(process.execPath, [join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--list-different', ...Object.keys(files)], {
      cwd: asGenerated,
      encoding: 'utf8',
    });

    expect({ unformatted: check.stdout.split('\n').filter(Boolean), error: check.stderr }).toEqual({ unformatted: [], error: '' });
  });
});
