import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createAppTree } from './helpers/app-tree';
import { COLLECTION_PATH, createRunner } from './helpers/runner';

/** Options `nest g` always passes to a schematic (see the Nest CLI's generate action). */
const NEST_CLI_OPTIONS = ['name', 'path', 'sourceRoot', 'language', 'spec', 'flat', 'specFileSuffix', 'skipImport', 'format', 'collection'];

describe('after-party collection', () => {
  const runner = createRunner();
  const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf-8'));

  it('extends @nestjs/schematics, so `nest g service` still works with "collection": "after-party"', async () => {
    expect(collection.extends).toEqual(['@nestjs/schematics']);

    const tree = await runner.runSchematic('service', { name: 'users', skipImport: true }, createAppTree());

    expect(tree.exists('src/users/users.service.ts')).toBe(true);
  });

  it('offers task (alias t), every-deploy-task (alias et), batch-task (alias bt), tenant-task (alias tt) and nest-add', () => {
    expect(collection.schematics.task.aliases).toEqual(['t']);
    expect(collection.schematics['every-deploy-task'].aliases).toEqual(['et']);
    expect(collection.schematics['tenant-task'].aliases).toEqual(['tt']);
    expect(collection.schematics['batch-task'].aliases).toEqual(['bt']);
    expect(collection.schematics['nest-add']).toBeDefined();
  });

  it.each(['task', 'every-deploy-task', 'batch-task', 'tenant-task'])(
    '%s declares every option the Nest CLI passes and never forbids extra ones',
    (name) => {
      const schemaPath = path.join(path.dirname(COLLECTION_PATH), collection.schematics[name].schema);
      const schema = JSON.parse(readFileSync(schemaPath, 'utf-8'));

      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining([...NEST_CLI_OPTIONS, 'description']));
      expect(schema.additionalProperties).not.toBe(false);
      expect(schema.properties.name.$default).toEqual({ $source: 'argv', index: 0 });
      expect(schema.properties.name['x-prompt']).toEqual(expect.any(String));
      expect(schema.properties.description['x-prompt']).toEqual(expect.any(String));
    },
  );

  it('batch-task takes a store but neither asks for it nor defaults it, so that package.json decides', () => {
    const schemaPath = path.join(path.dirname(COLLECTION_PATH), collection.schematics['batch-task'].schema);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf-8'));

    expect(schema.properties.store.enum).toEqual(['typeorm', 'mongoose']);
    expect(schema.properties.store.default).toBeUndefined();
    expect(schema.properties.store['x-prompt']).toBeUndefined();
  });

  it('nest-add asks for the store, typeorm by default', () => {
    const schemaPath = path.join(path.dirname(COLLECTION_PATH), collection.schematics['nest-add'].schema);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf-8'));

    expect(schema.properties.store.enum).toEqual(['typeorm', 'mongoose']);
    expect(schema.properties.store.default).toBe('typeorm');
    expect(schema.properties.store['x-prompt']).toBeDefined();
    expect(schema.properties.sourceRoot).toBeDefined();
  });
});
