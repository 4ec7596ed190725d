import { AfterPartyError } from './after-party.error';

/** The optional peer dependencies of the chosen store are not installed. */
export class MissingStorePackageError extends AfterPartyError {
  constructor(store: string, packages: string[]) {
    super(
      `The "${store}" store needs ${packages.join(' and ')}, which cannot be loaded. ` +
        `Install ${packages.length > 1 ? 'them' : 'it'}: npm install ${packages.join(' ')}`,
    );
  }
}
