import { DEPLOY_ID_ENV } from '../config/after-party.constants';
import { InvalidOptionsError } from '../errors/invalid-options.error';

/**
 * The deploy id of a run: the one given (`--deploy-id`, the `deployId` option), else
 * `$AFTER_PARTY_DEPLOY_ID`; null when neither is set or given empty. `given: null` means none,
 * whatever the environment says. `label` names the source in the error.
 */
export function resolveDeployId(given: string | null | undefined, label: string): string | null {
  const value = given === undefined ? process.env[DEPLOY_ID_ENV] : given;
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value !== 'string') {
    throw new InvalidOptionsError(`${label} must be a string or null, not ${JSON.stringify(value)}.`);
  }
  if (value.length > 255) {
    throw new InvalidOptionsError(`The deploy id is longer than 255 characters: pass a shorter ${label} (a release tag or commit SHA).`);
  }
  return value;
}
