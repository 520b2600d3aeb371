import type { UpstreamInstructions } from '../types.js';

const INTRODUCTION =
  'This MCP server is a gateway: it serves several MCP servers ("connectors") as one. What each connector says about itself follows under its name; its tools, prompts and resources carry its prefix unless names are served unprefixed.\n';
const ELLIPSIS = '…';

/**
 * The `instructions` of the host's `initialize` answer: each upstream's instructions under its connector's name, in
 * the order given (connector-id order: stable across restarts and hosts), within `maxBytes` UTF-8 bytes. The
 * connectors share the budget evenly; a section longer than its share is cut, ending in `…`. Undefined when there is
 * nothing to say or no budget.
 */
export function composeInstructions(
  entries: readonly UpstreamInstructions[],
  maxBytes: number,
): string | undefined {
  const sections = entries.filter((entry) => entry.instructions.trim() !== '');
  const introBytes = Buffer.byteLength(INTRODUCTION);
  if (sections.length === 0 || maxBytes <= introBytes) return undefined;
  const share = Math.floor((maxBytes - introBytes) / sections.length);
  let text = INTRODUCTION;
  for (const { connectorId, instructions } of sections) {
    const heading = `\n## ${connectorId}\n`;
    const room = share - Buffer.byteLength(heading) - 1;
    if (room <= Buffer.byteLength(ELLIPSIS)) continue;
    text += `${heading}${cutToBytes(instructions.trim(), room)}\n`;
  }
  return text === INTRODUCTION ? undefined : text;
}

/** `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary, ending in `…` when cut. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(ELLIPSIS);
  let used = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (used + size > budget) break;
    used += size;
    end += character.length;
  }
  return `${text.slice(0, end)}${ELLIPSIS}`;
}
