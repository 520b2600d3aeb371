import { describeMap, ServiceMapError } from './errors.js';

// ignoreBOM keeps a leading BOM in the text, where the JSON scanner rejects it by name.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Only runs once decoding has failed, to tell the operator where: the first byte that starts no valid UTF-8
// sequence (stray continuation bytes, overlong forms, surrogates, values past U+10FFFF, cut-off sequences).
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0 || index + length > bytes.length) return index;
    let codePoint = lead & (0xff >> (length + 1));
    for (let next = 1; next < length; next += 1) {
      const byte = bytes[index + next] ?? 0;
      if ((byte & 0xc0) !== 0x80) return index;
      codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    const shortest = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
    if (codePoint < shortest || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff)
      return index;
    index += length;
  }
  return -1;
}

/** Decodes a body as UTF-8 (a BOM is kept, and rejected by the parser); invalid UTF-8 is a `parse` error naming the byte offset. */
export function decodeServiceMapBody(bytes: Uint8Array, displayUrl: string | undefined): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    const offset = firstInvalidUtf8Offset(bytes);
    const where =
      offset < 0 ? '' : ` (byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at offset ${offset})`;
    throw new ServiceMapError(
      'parse',
      `${describeMap(displayUrl)}: the body is not valid UTF-8${where}. Serve the map as UTF-8 JSON.`,
      { url: displayUrl, cause },
    );
  }
}
