import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../../..');
/** The library's sources, which generated files import as `after-party`. */
export const LIB = join(ROOT, 'lib').replace(/\\/g, '/');

/**
 * Type-checks files as a strict TypeScript app would build them, in one program (building it
 * is the slow part), in a temporary folder under .tmp/. Keys are paths in that folder; a
 * `package.json` among them sets the module system of its folder, as in an app. Imports of
 * `after-party` and its other entries (`after-party/testing`, `/terminus`, `/typeorm`,
 * `/mongoose`) are pointed at lib/ (at lib/index.js under an ESM package.json, which resolves
 * to lib/index.ts).
 *
 * @returns each .ts file's error messages, by path, and under `*` those of no file.
 */
export function typeErrors(files: Record<string, string>): Record<string, string[]> {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'generated-'));
  try {
    const esmFolders = Object.entries(files)
      .filter(([path, text]) => path.endsWith('package.json') && JSON.parse(text).type === 'module')
      .map(([path]) => dirname(path));
    const written = Object.entries(files).map(([path, text]) => {
      const file = join(dir, path);
      const esm = esmFolders.some((folder) => path.startsWith(`${folder}/`));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(
        file,
        text
          .replaceAll("'after-party'", `'${LIB}${esm ? '/index.js' : ''}'`)
          .replace(/'after-party\/(testing|terminus|typeorm|mongoose)'/g, (_specifier, entry: string) => `'${LIB}/${entry}${esm ? '/index.js' : ''}'`),
      );
      return [path, file] as const;
    });
    const sources = written.filter(([path]) => path.endsWith('.ts'));
    const program = ts.createProgram(
      sources.map(([, file]) => file),
      {
        strict: true,
        noEmit: true,
        isolatedModules: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        skipLibCheck: true,
        types: ['node', 'jest'],
      },
    );
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const messages = (fileName: string | undefined): string[] =>
      diagnostics
        .filter((diagnostic) => diagnostic.file?.fileName === fileName)
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    return Object.fromEntries([['*', messages(undefined)], ...sources.map(([path, file]) => [path, messages(file)])]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
