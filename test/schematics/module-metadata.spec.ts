import { HostTree } from '@angular-devkit/schematics';
import { addToModuleMetadata } from '../../schematics/src/utils/module-metadata';
import { ensureNamedImport } from '../../schematics/src/utils/named-import';

const PATH = 'src/x.module.ts';

function treeWith(content: string): HostTree {
  const tree = new HostTree();
  tree.create(PATH, content);
  return tree;
}

const read = (tree: HostTree): string => tree.read(PATH)!.toString('utf-8');

describe('addToModuleMetadata', () => {
  const provider = { property: 'providers', element: 'FooTask', identifier: 'FooTask' } as const;

  it('fills @Module() without arguments', () => {
    const tree = treeWith('@Module()\nexport class X {}\n');
    addToModuleMetadata(tree, PATH, provider);
    expect(read(tree)).toBe('@Module({\n  providers: [FooTask],\n})\nexport class X {}\n');
  });

  it('adds a missing property after the others, keeping a trailing comma', () => {
    const tree = treeWith('@Module({\n  imports: [A],\n})\nexport class X {}\n');
    addToModuleMetadata(tree, PATH, provider);
    expect(read(tree)).toBe('@Module({\n  imports: [A],\n  providers: [FooTask],\n})\nexport class X {}\n');
  });

  it('appends to a multi-line array at its indentation', () => {
    const tree = treeWith('@Module({\n  providers: [\n    A,\n    B,\n  ],\n})\nexport class X {}\n');
    addToModuleMetadata(tree, PATH, provider);
    expect(read(tree)).toContain('    B,\n    FooTask,\n  ],');
  });

  it('breaks a one-line array that would pass 80 columns into one element per line', () => {
    const tree = treeWith(
      '@Module({\n  providers: [AVeryLongProviderNameService, AnotherVeryLongProviderName],\n})\nexport class X {}\n',
    );
    addToModuleMetadata(tree, PATH, provider);
    expect(read(tree)).toContain(
      '  providers: [\n    AVeryLongProviderNameService,\n    AnotherVeryLongProviderName,\n    FooTask,\n  ],',
    );
  });

  it('does nothing when the array already mentions the identifier', () => {
    const tree = treeWith("@Module({ imports: [FooTask.forRoot({ a: 'b' })] })\nexport class X {}\n");
    expect(addToModuleMetadata(tree, PATH, { ...provider, property: 'imports' })).toBe(false);
  });

  it('refuses what it cannot edit safely, saying what to add by hand', () => {
    const tree = treeWith('const P = [A];\n@Module({ providers: P })\nexport class X {}\n');
    expect(() => addToModuleMetadata(tree, PATH, provider)).toThrow(/Add it by hand/);
    expect(() => addToModuleMetadata(treeWith('export class X {}\n'), PATH, provider)).toThrow(/FooTask/);
  });
});

describe('ensureNamedImport', () => {
  it('joins an existing import of the same specifier', () => {
    const tree = treeWith("import { A } from 'after-party';\n");
    ensureNamedImport(tree, PATH, 'B', 'after-party');
    expect(read(tree)).toBe("import { A, B } from 'after-party';\n");
  });

  it('adds a line after the last import, in the file\'s quote style', () => {
    const tree = treeWith('import { A } from "a";\n\nexport class X {}\n');
    ensureNamedImport(tree, PATH, 'B', './b');
    expect(read(tree)).toBe('import { A } from "a";\nimport { B } from "./b";\n\nexport class X {}\n');
  });

  it('does nothing when the name is already imported, from anywhere', () => {
    const tree = treeWith("import { B } from './elsewhere';\n");
    expect(ensureNamedImport(tree, PATH, 'B', './b')).toBe(false);
  });
});
