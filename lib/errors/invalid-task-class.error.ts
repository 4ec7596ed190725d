import { AfterPartyError } from './after-party.error';

/** A class decorated with `@AfterPartyTask()` cannot serve as a task. */
export class InvalidTaskClassError extends AfterPartyError {
  constructor(className: string, problem: string, fix: string) {
    super(`Task ${className} ${problem}. ${fix}`);
  }
}
