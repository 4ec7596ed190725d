import { COMMAND_PREFIX } from '../after-party.constants';

/** Whether this process was started as `node <main> after-party:<command> ...`. */
export function isAfterPartyCommandProcess(argv: string[] = process.argv): boolean {
  return argv[2]?.startsWith(COMMAND_PREFIX) === true;
}
