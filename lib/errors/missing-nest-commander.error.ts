import { AfterPartyError } from './after-party.error';

/** An `after-party:*` command was started in an app that does not have nest-commander installed. */
export class MissingNestCommanderError extends AfterPartyError {
  constructor() {
    super('The after-party:* commands run on nest-commander, which is not installed in this app. Install it: npm install nest-commander');
  }
}
