import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { hydrator, keyReader } from '../../lib/batch/typeorm-keyset';

/** Plain rows are converted in place, and keys read, by functions written out for the page's columns. */
describe('typeormKeyset plain rows: the row converter', () => {
  // Property names an entity may have, some needing escapes in a string literal.
  const names = ['id', 'it"s', 'back\\slash', 'line\nbreak', 'naïve'];
  const integersAsRead = [true, true, false, false, true];
  const rows = () => [
    { id: 1, 'it"s': 2.5, 'back\\slash': 'a', 'line\nbreak': 7, naïve: null },
    { id: '9007199254740993', 'it"s': 3, 'back\\slash': null, 'line\nbreak': 'x', naïve: -4 },
  ];
  // Marks every value it was asked to convert.
  const convert = (value: unknown, index: number): unknown => `${index}:${String(value)}`;
  const expected = [
    { id: 1, 'it"s': '1:2.5', 'back\\slash': '2:a', 'line\nbreak': '3:7', naïve: '4:null' },
    { id: '0:9007199254740993', 'it"s': 3, 'back\\slash': '2:null', 'line\nbreak': '3:x', naïve: -4 },
  ];

  it('converts every value except safe integers of integer columns, by any property name', () => {
    const written = rows();
    const hydrate = hydrator(names, integersAsRead, convert);
    // The function written out for these columns, not the fallback by name.
    expect(hydrate.name).toBe('hydrate');
    hydrate(written);
    expect(written).toEqual(expected);
  });

  it('does the same without code generation', () => {
    const byName = rows();
    hydrator(names, integersAsRead, convert, false)(byName);
    expect(byName).toEqual(expected);
  });

  it('reads an item\'s key, and a composite key as an array of its parts', () => {
    const single = keyReader(['id']);
    const composite = keyReader(['createdAt', 'id']);
    // Written out (`new Function` makes functions named "anonymous"), not the fallback by name.
    expect([single.name, composite.name]).toEqual(['anonymous', 'anonymous']);
    expect(single({ id: 7, other: 1 })).toBe(7);
    expect(composite({ id: 7, createdAt: 'x' })).toEqual(['x', 7]);
  });

  it('still converts rows and reads keys in a process that forbids code generation from strings', () => {
    const script = `
      const { hydrator, keyReader } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'batch', 'typeorm-keyset.js'))});
      const rows = [{ id: 1, value: 2.5 }];
      hydrator(['id', 'value'], [true, true], (value) => Math.trunc(value))(rows);
      process.stdout.write(JSON.stringify({ rows, key: keyReader(['value', 'id'])(rows[0]) }));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ rows: [{ id: 1, value: 2 }], key: [2, 1] });
  });
});
