import { SchematicsException, Tree } from '@angular-devkit/schematics';
import * as messages from './messages';
import { readJson } from './project';

/** The databases after-party works with: where it keeps its records, and what a batched task reads. */
export type AfterPartyStore = 'typeorm' | 'mongoose';

/** The Nest package whose presence in package.json shows that an app uses each store. */
export const STORE_PACKAGES: Readonly<Record<AfterPartyStore, string>> = {
  typeorm: '@nestjs/typeorm',
  mongoose: '@nestjs/mongoose',
};

const STORES = Object.keys(STORE_PACKAGES) as AfterPartyStore[];

/**
 * Checks a `--store` value.
 *
 * @throws SchematicsException naming the accepted values for anything else.
 */
export function parseStore(value: unknown): AfterPartyStore {
  if (!STORES.includes(value as AfterPartyStore)) {
    throw new SchematicsException(messages.unknownStore(String(value)));
  }
  return value as AfterPartyStore;
}

/** The stores whose Nest package the app's package.json lists (dependencies or devDependencies). */
export function detectStores(tree: Tree): AfterPartyStore[] {
  const packageJson = readJson(tree, 'package.json') ?? {};
  const listed = new Set<string>();
  for (const field of ['dependencies', 'devDependencies']) {
    const dependencies = packageJson[field];
    if (typeof dependencies === 'object' && dependencies !== null) {
      Object.keys(dependencies).forEach((name) => listed.add(name));
    }
  }
  return STORES.filter((store) => listed.has(STORE_PACKAGES[store]));
}
