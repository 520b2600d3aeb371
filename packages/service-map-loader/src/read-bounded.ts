import { describeMap, ServiceMapError } from './errors.js';

/** The `too_large` error, shared by the Content-Length pre-check and the streaming count. */
export function tooLargeError(displayUrl: string, maxBytes: number, seenBytes: number): ServiceMapError {
  return new ServiceMapError(
    'too_large',
    `${describeMap(displayUrl)}: the body is larger than maxBytes (${seenBytes} > ${maxBytes} bytes). ` +
      'Raise maxBytes if the map really is that big, or check serviceMapUrl.',
    { url: displayUrl },
  );
}

/**
 * Collects a body, counting bytes, and stops as soon as the count passes `maxBytes`: leaving the loop early
 * cancels the stream, so an oversize or endless body is never read to its end.
 */
export async function readBounded(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  displayUrl: string,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLargeError(displayUrl, maxBytes, total);
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}
