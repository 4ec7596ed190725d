import { SchematicTestRunner } from '@angular-devkit/schematics/testing';
import * as path from 'node:path';

/**
 * The collection the unit tests run: the TypeScript sources, which Jest
 * (ts-jest) loads directly, so the tests need no build step.
 */
export const COLLECTION_PATH = path.join(__dirname, '../../../schematics/src/collection.json');

/** A test runner over the after-party collection. */
export function createRunner(): SchematicTestRunner {
  return new SchematicTestRunner('after-party', COLLECTION_PATH);
}
