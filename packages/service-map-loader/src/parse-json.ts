import { describeMap, ServiceMapError } from './errors.js';
import { formatJsonPath } from './json-path.js';
import { findJsonProblem, type JsonProblem, MAX_JSON_DEPTH } from './json-scan.js';

const CHECK_ENDPOINT =
  'Check that serviceMapUrl points at the service-map endpoint and not at a proxy or error page.';
const FIX_PRODUCER = "Fix the map's producer";

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line += 1;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function describeCharacter(char: string): string {
  if (char === '\uFEFF') return 'a byte order mark (U+FEFF; save the map as UTF-8 without a BOM)';
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `"${char}"`;
}

// Says what went wrong and where; the prefix naming the map and the advice are added by the caller.
function explain(
  problem: JsonProblem,
  text: string,
): { readonly code: 'parse' | 'ambiguous_json'; readonly what: string } {
  const at = lineAndColumn(text, problem.offset);
  switch (problem.kind) {
    case 'empty':
      return { code: 'parse', what: `the body is empty. ${CHECK_ENDPOINT}` };
    case 'truncated':
      return {
        code: 'parse',
        what:
          `the JSON ends early at ${at}, after ${text.length} characters: the body was cut off. ` +
          'Check the map server and any proxy in between (a dropped connection or a size limit).',
      };
    case 'syntax': {
      const found = describeCharacter(String.fromCodePoint(text.codePointAt(problem.offset) ?? 0));
      const start = JSON.stringify(text.slice(0, 40));
      return {
        code: 'parse',
        what:
          `the body is not valid JSON: expected ${problem.expected} at ${at} but found ${found} ` +
          `(it starts with ${start}). ${CHECK_ENDPOINT}`,
      };
    }
    case 'too_deep':
      return {
        code: 'parse',
        what: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels at ${formatJsonPath(problem.path)} (${at}). ${FIX_PRODUCER}.`,
      };
    case 'duplicate_member':
      return {
        code: 'ambiguous_json',
        what:
          `the member ${formatJsonPath(problem.path)} appears twice in one object (${at}). JSON readers disagree ` +
          `on which copy wins, so the signed map and the map read here could differ. ${FIX_PRODUCER} to write ` +
          'each member once.',
      };
    case 'inexact_number':
      return {
        code: 'ambiguous_json',
        what:
          `the number ${problem.token.slice(0, 40)} at ${formatJsonPath(problem.path)} cannot be represented ` +
          `exactly: it would read as ${String(Number(problem.token))} (${at}), so the signer and this host could ` +
          `see different values. ${FIX_PRODUCER}: write such values as strings.`,
      };
    case 'lone_surrogate':
      return {
        code: 'ambiguous_json',
        what:
          `${problem.inMemberName ? 'a member name' : 'a string'} at ${formatJsonPath(problem.path)} (${at}) ` +
          'holds an unpaired UTF-16 surrogate, which other JSON readers reject or replace, so the signed and ' +
          `the read map could differ. ${FIX_PRODUCER}.`,
      };
  }
}

/**
 * Parses map text as strict JSON: `parse` for an empty, truncated, malformed or too deeply nested text,
 * `ambiguous_json` (naming the path) for a duplicate member, an inexact number or an unpaired surrogate.
 */
export function parseJsonStrictly(text: string, displayUrl: string | undefined): unknown {
  const problem = findJsonProblem(text);
  if (problem !== undefined) {
    const { code, what } = explain(problem, text);
    throw new ServiceMapError(code, `${describeMap(displayUrl)}: ${what}`, { url: displayUrl });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    // Unreachable while the scanner matches JSON.parse; kept so a disagreement still surfaces as `parse`.
    throw new ServiceMapError(
      'parse',
      `${describeMap(displayUrl)}: the body is not JSON (it starts with ${JSON.stringify(text.slice(0, 40))}). ${CHECK_ENDPOINT}`,
      { url: displayUrl, cause },
    );
  }
}
