/**
 * How far a database's character set reaches, as the highest code point kept as it is:
 * `bmp` for character sets without 4-byte characters (MySQL's utf8mb3), `ascii` for any other
 * (latin1 and its kin), the last resort.
 */
export type TextReach = 'bmp' | 'ascii';

const HIGHEST: Record<TextReach, number> = { bmp: 0xffff, ascii: 0x7f };

/**
 * `text` with every character beyond `reach` written as a `\u{1F600}` escape: what a records
 * table whose character set cannot hold a message keeps of it. The same text always escapes
 * the same way, so an escaped deploy id still finds the runs recorded under it.
 */
export function escapeBeyond(text: string, reach: TextReach): string {
  const highest = HIGHEST[reach];
  let escaped = '';
  for (const character of text) {
    const codePoint = character.codePointAt(0) as number;
    escaped += codePoint > highest ? `\\u{${codePoint.toString(16).toUpperCase()}}` : character;
  }
  return escaped;
}
