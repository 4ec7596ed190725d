/** PostgreSQL: a character the database encoding has no equivalent for (`untranslatable_character`). */
const POSTGRES_CODES = new Set(['22P05']);

/**
 * MySQL/MariaDB: `Incorrect string value` (a column's character set lacks a character), and the
 * collation mixes a comparison of such a column with such a parameter reports.
 */
const MYSQL_ERRNOS = new Set([1366, 1267, 1270, 1271]);

/**
 * Whether a statement failed only because the records table's character set cannot hold some
 * text in it (an emoji in a latin1 or utf8mb3 column, CJK in a LATIN1 database).
 */
export function isCharsetError(error: unknown): boolean {
  const failure = error as { code?: unknown; errno?: unknown; driverError?: { code?: unknown; errno?: unknown } } | null;
  const code = failure?.driverError?.code ?? failure?.code;
  const errno = failure?.driverError?.errno ?? failure?.errno;
  return POSTGRES_CODES.has(String(code)) || MYSQL_ERRNOS.has(Number(errno));
}
