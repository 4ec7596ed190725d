import { InvalidOptionsError } from '../errors/invalid-options.error';

/** A Mongoose projection, as `mongooseKeyset` takes it. */
export type MongooseProjection = Record<string, 0 | 1> | string;

/** What pages load: the caller's projection with the key in it, and whether to force the key past `select: false`. */
export interface KeyProjection {
  projection: MongooseProjection | undefined;
  /** `select('+key')` before it: an exclusion (or no projection) still leaves out a `select: false` path. */
  force: boolean;
}

/**
 * The caller's projection with the key field loaded: a page item without its key would give no
 * cursor. An inclusion gets the key added (unless a parent path includes it already), an exclusion
 * or none gets `+key` so that a schema path with `select: false` comes too; a projection that
 * excludes the key (or a parent of it) is refused.
 */
export function keyProjection(projection: MongooseProjection | undefined, key: string): KeyProjection {
  const force = key !== '_id';
  if (projection === undefined) {
    return { projection, force };
  }
  const entries: Array<[string, boolean]> =
    typeof projection === 'string'
      ? projection
          .split(/\s+/)
          .filter((token) => token !== '' && !token.startsWith('+'))
          .map((token) => (token.startsWith('-') ? [token.slice(1), false] : [token, true]))
      : Object.entries(projection).map(([field, value]) => [field, value !== 0 && (value as unknown) !== false]);
  const covers = (field: string): boolean => field === key || key.startsWith(`${field}.`);
  if (entries.some(([field, included]) => !included && covers(field))) {
    throw new InvalidOptionsError(`mongooseKeyset: the projection leaves out the key "${key}", which every page needs for its cursor: keep "${key}" in it.`);
  }
  // `_id` comes with an inclusion unless excluded, and excluding it alone is no inclusion.
  const inclusion = entries.some(([field, included]) => included && field !== '_id');
  if (!inclusion) {
    return { projection, force };
  }
  if (key === '_id' || entries.some(([field, included]) => included && covers(field))) {
    return { projection, force: false };
  }
  return { projection: typeof projection === 'string' ? `${projection} ${key}` : { ...projection, [key]: 1 }, force: false };
}
