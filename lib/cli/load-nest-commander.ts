import { MissingNestCommanderError } from '../errors/missing-nest-commander.error';

type NestCommander = typeof import('nest-commander');

/** Whether `error` says that nest-commander itself (not one of its own dependencies) cannot be found. */
function isNestCommanderMissing(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.startsWith("Cannot find module 'nest-commander'");
}

/** Whether nest-commander can be loaded in this app. */
export function hasNestCommander(): boolean {
  try {
    require.resolve('nest-commander');
    return true;
  } catch (error) {
    if (isNestCommanderMissing(error)) return false;
    throw error;
  }
}

/**
 * Loads nest-commander, which only an `after-party:*` process needs; throws
 * {@link MissingNestCommanderError} when the app does not have it.
 */
export function loadNestCommander(): NestCommander {
  try {
    return require('nest-commander') as NestCommander;
  } catch (error) {
    if (isNestCommanderMissing(error)) throw new MissingNestCommanderError();
    throw error;
  }
}
