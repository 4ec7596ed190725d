import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const LIB = resolve(__dirname, '../../lib');

/** One import of a file in one folder of lib/ from another folder of lib/. */
interface FolderImport {
  from: string;
  to: string;
  /** `<file> : <specifier>`, the file relative to lib/. */
  site: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of lib/ a path belongs to: its first segment, `(root)` for lib/'s own files. */
function folderOf(path: string): string {
  const parts = relative(LIB, path).split(sep);
  return parts.length > 1 ? parts[0] : '(root)';
}

/** Every relative import (static, `import()` or `require()`) that crosses from one folder of lib/ to another. */
function folderImports(files: Array<{ path: string; source: string }>): FolderImport[] {
  const found: FolderImport[] = [];
  for (const { path, source } of files) {
    for (const match of source.matchAll(/(?:\bfrom|\bimport\(|\brequire\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const from = folderOf(path);
      const to = folderOf(resolve(dirname(path), match[1]));
      if (from !== to) {
        found.push({ from, to, site: `${relative(LIB, path)} : ${match[1]}` });
      }
    }
  }
  return found;
}

/** Pairs of folders that import each other, each with the imports that make it, both ways. */
function twoWayPairs(imports: FolderImport[]): string[] {
  const sites = new Map<string, string[]>();
  for (const { from, to, site } of imports) {
    sites.set(`${from} -> ${to}`, [...(sites.get(`${from} -> ${to}`) ?? []), site]);
  }
  const pairs: string[] = [];
  for (const [edge, forward] of sites) {
    const [a, b] = edge.split(' -> ');
    const backward = sites.get(`${b} -> ${a}`);
    if (backward && a < b) {
      pairs.push([`${a} <-> ${b}`, `  ${a} -> ${b}:`, ...forward.map((s) => `    ${s}`), `  ${b} -> ${a}:`, ...backward.map((s) => `    ${s}`)].join('\n'));
    }
  }
  return pairs;
}

/** Folders that reach themselves through imports of other folders (a cycle of any length), as their groups. */
function cycles(imports: FolderImport[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of imports) {
    next.set(from, (next.get(from) ?? new Set()).add(to));
  }
  const reaches = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(next.get(start) ?? [])];
    while (stack.length > 0) {
      const folder = stack.pop() as string;
      if (!seen.has(folder)) {
        seen.add(folder);
        stack.push(...(next.get(folder) ?? []));
      }
    }
    return seen;
  };
  const groups = new Map<string, string[]>();
  for (const folder of next.keys()) {
    const reached = reaches(folder);
    if (reached.has(folder)) {
      const group = [...reached].filter((other) => reaches(other).has(folder)).sort();
      groups.set(group.join(), group);
    }
  }
  return [...groups.values()];
}

const lib = tsFiles(LIB).map((path) => ({ path, source: readFileSync(path, 'utf8') }));

describe('the folders of lib/ import each other one way only', () => {
  it('has no two folders that import each other (the imports are named when it fails)', () => {
    expect(twoWayPairs(folderImports(lib))).toEqual([]);
  });

  it('has no longer cycle between folders either', () => {
    expect(cycles(folderImports(lib))).toEqual([]);
  });

  it('reads lib/ for real: its folders do import each other', () => {
    const edges = new Set(folderImports(lib).map(({ from, to }) => `${from} -> ${to}`));
    expect(edges).toContain('runner -> batch');
    expect(edges).toContain('batch -> ports');
  });

  it('names both ways of a pair, and the members of a longer cycle', () => {
    const file = (path: string, source: string) => ({ path: join(LIB, path), source });
    const imports = folderImports([
      file('runner/a.ts', "import { b } from '../batch/b';"),
      file('batch/b.ts', "import type { A } from '../runner/a';"),
      file('x/x.ts', "const y = require('../y/y');"),
      file('y/y.ts', "export const z = import('../z/z');"),
      file('z/z.ts', "export { x } from '../x/x';"),
    ]);
    expect(twoWayPairs(imports)).toEqual(['batch <-> runner\n  batch -> runner:\n    batch/b.ts : ../runner/a\n  runner -> batch:\n    runner/a.ts : ../batch/b']);
    expect(cycles(imports)).toEqual(expect.arrayContaining([['batch', 'runner'], ['x', 'y', 'z']]));
  });
});
