/** Appended to text that was cut, so a reader (human or model) knows it is incomplete. */
const TRUNCATION_MARK = '…';
const TRUNCATION_MARK_BYTES = 3;

/** Size of `text` in UTF-8 bytes; a lone surrogate counts 3 bytes (it is encoded as U+FFFD). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function codePointBytes(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes, ending in `…` when it was cut (and `maxBytes` leaves room
 * for it). Never splits a code point, so the result is well-formed. Reads only about `maxBytes` of the
 * input, however long it is, and is deterministic: the same text and limit always give the same result,
 * which keeps a re-list of an over-long description a no-op.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes, so short strings skip the exact count.
  if (text.length * 3 <= maxBytes || utf8Length(text) <= maxBytes) return text;
  const mark = maxBytes >= TRUNCATION_MARK_BYTES ? TRUNCATION_MARK : '';
  const budget = maxBytes - (mark === '' ? 0 : TRUNCATION_MARK_BYTES);
  let used = 0;
  let end = 0;
  for (const character of text) {
    const bytes = codePointBytes(character.codePointAt(0) ?? 0);
    if (used + bytes > budget) break;
    used += bytes;
    end += character.length;
  }
  return `${text.slice(0, end)}${mark}`;
}
