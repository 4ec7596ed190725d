import { MissingStorePackageError } from '../errors/missing-store-package.error';

/**
 * Requires an optional peer dependency of a store, or throws an error naming the
 * packages to install. Only the store in use ever loads its packages.
 */
export function loadOptional<T>(name: string, store: string, packages: string[]): T {
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(name)) {
      throw new MissingStorePackageError(store, packages);
    }
    throw error;
  }
}
