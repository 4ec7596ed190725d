import { COMMAND_PREFIX } from '../config/after-party.constants';

/**
 * Whether this process was started as `node <main> after-party:<command> ...`, or with a bare
 * `after-party` (`after-party run`, a colon forgotten): that one is refused as a usage error
 * rather than starting the web app, which would hang a deploy hook.
 */
export function isAfterPartyCommandProcess(argv: string[] = process.argv): boolean {
  return argv[2]?.startsWith(COMMAND_PREFIX) === true || argv[2] === COMMAND_PREFIX.slice(0, -1);
}
