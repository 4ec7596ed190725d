import { SchematicsException } from '@angular-devkit/schematics';
import type * as TypeScript from 'typescript';
import * as messages from './messages';

let loaded: typeof TypeScript | undefined;

/**
 * The TypeScript compiler API, loaded from the application on first use.
 * Apps made by `nest new` have it (and @nestjs/schematics needs it), so the
 * library does not ship its own copy.
 *
 * @throws SchematicsException saying how to install it when it is missing.
 */
export function typescript(): typeof TypeScript {
  if (!loaded) {
    try {
       
      loaded = require('typescript') as typeof TypeScript;
    } catch {
      throw new SchematicsException(messages.typescriptMissing());
    }
  }
  return loaded;
}
