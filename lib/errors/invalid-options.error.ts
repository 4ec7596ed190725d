import { AfterPartyError } from './after-party.error';

/** A module option or command flag has an unusable value. */
export class InvalidOptionsError extends AfterPartyError {
  constructor(message: string) {
    super(message);
  }
}
