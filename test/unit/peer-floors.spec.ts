import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const floors = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'variants', 'floors', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The lowest version a range such as `^0.3.17 || ^1.0.0` accepts. */
function lowest(range: string): string {
  return range.split('||')[0].trim().replace(/^(\^|~|>=)/, '');
}

/** The packages the fixture app loads whose ranges after-party declares. */
const LOADED = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', '@nestjs/mongoose', 'typeorm', 'mongoose', 'nest-commander', 'reflect-metadata', 'rxjs', 'cli-progress'];

describe('the peer floors dependency set (test/fixtures/variants/floors)', () => {
  it('pins every package the fixture app loads at the lowest version after-party declares it accepts', () => {
    const declared = { ...own.peerDependencies, ...own.dependencies };
    expect(LOADED.map((name) => [name, floors.dependencies[name]])).toEqual(LOADED.map((name) => [name, lowest(declared[name])]));
  });
});
