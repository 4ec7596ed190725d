import type { ModuleRef } from '@nestjs/core';
import { StoreUnavailableError } from '../errors/store-unavailable.error';

/**
 * Resolves the app's database connection on first use (its module may be initialised after
 * ours), with an error naming the module to import when the app has none.
 */
export function lazyConnection<T>(moduleRef: ModuleRef, token: string | symbol | object, what: string, module: string, name?: string): () => T {
  let connection: T | undefined;
  return () => {
    if (connection === undefined) {
      try {
        connection = moduleRef.get<T>(token as string, { strict: false });
      } catch {
        throw new StoreUnavailableError(
          `No ${what}${name ? ` named "${name}"` : ''} was found. ` +
            `Import ${module} in the app module${name ? '' : ', or set connectionName for a named one'}.`,
        );
      }
    }
    return connection;
  };
}
