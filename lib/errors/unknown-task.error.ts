import { AfterPartyError } from './after-party.error';

/** `after-party:run <task>` named a task that does not exist. */
export class UnknownTaskError extends AfterPartyError {
  constructor(identifiers: string[]) {
    super(
      `Unknown ${identifiers.length === 1 ? 'task' : 'tasks'} ${identifiers.map((id) => `"${id}"`).join(', ')}. ` +
        `Name tasks by version or name; \`after-party:status\` lists them.`,
    );
  }
}
