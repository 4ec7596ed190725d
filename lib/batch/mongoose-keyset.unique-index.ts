/** An index as `listIndexes` describes it (the fields read here). */
export interface IndexDescription {
  key: Record<string, unknown>;
  unique?: boolean;
  partialFilterExpression?: unknown;
  collation?: Record<string, unknown>;
}

/** What a collation field means when left out (MongoDB's defaults). */
const COLLATION_DEFAULTS: Record<string, unknown> = {
  strength: 3,
  caseLevel: false,
  caseFirst: 'off',
  numericOrdering: false,
  alternate: 'non-ignorable',
  maxVariable: 'punct',
  normalization: false,
  backwards: false,
};

/**
 * Whether an index proves the key unique as pages compare it: unique, on the key alone, over the
 * whole collection (not partial), and under the collation the pages' queries use (`collation`:
 * the schema's, else the collection's default; none is binary). A unique index under another
 * collation proves nothing: keys distinct in binary can be equal under a case-insensitive one,
 * and a cursor then steps past its twins.
 */
export function uniqueIndexCovers(indexes: IndexDescription[], key: string, collation: Record<string, unknown> | undefined): boolean {
  return indexes.some(
    (index) =>
      index.unique === true &&
      Object.keys(index.key).length === 1 &&
      Object.keys(index.key)[0] === key &&
      index.partialFilterExpression === undefined &&
      sameCollation(index.collation, collation),
  );
}

/** Whether two collations compare strings alike; none and `simple` are binary. */
export function sameCollation(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  const binary = (collation: Record<string, unknown> | undefined): boolean => collation === undefined || collation === null || collation.locale === 'simple';
  if (binary(a) || binary(b)) {
    return binary(a) && binary(b);
  }
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  if (x.locale !== y.locale) {
    return false;
  }
  return Object.keys(COLLATION_DEFAULTS).every((field) => (x[field] ?? COLLATION_DEFAULTS[field]) === (y[field] ?? COLLATION_DEFAULTS[field]));
}
