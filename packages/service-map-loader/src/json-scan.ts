import { isExactNumberToken } from './json-number.js';
import type { JsonPathSegment } from './json-path.js';

/** How deep objects and arrays may nest. Service maps need about five levels; the cap keeps recursion bounded. */
export const MAX_JSON_DEPTH = 256;

/**
 * The first thing wrong with a JSON text. `offset` is a UTF-16 index into the text; `path` is where in the
 * document it was found (for `duplicate_member`, the repeated member itself).
 */
export type JsonProblem =
  | { readonly kind: 'empty'; readonly offset: number }
  | { readonly kind: 'truncated'; readonly offset: number }
  | { readonly kind: 'syntax'; readonly offset: number; readonly expected: string }
  | { readonly kind: 'too_deep'; readonly offset: number; readonly path: readonly JsonPathSegment[] }
  | { readonly kind: 'duplicate_member'; readonly offset: number; readonly path: readonly JsonPathSegment[] }
  | {
      readonly kind: 'inexact_number';
      readonly offset: number;
      readonly path: readonly JsonPathSegment[];
      readonly token: string;
    }
  | {
      readonly kind: 'lone_surrogate';
      readonly offset: number;
      readonly path: readonly JsonPathSegment[];
      readonly inMemberName: boolean;
    };

class Stop {
  constructor(readonly problem: JsonProblem) {}
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '"': 0x22,
  '\\': 0x5c,
  '/': 0x2f,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
};

// Characters a string may hold as they are: not the quote, the backslash, a control character or a surrogate half.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw U+0000–U+001F in strings; a run stops there.
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const isDigit = (unit: number) => unit >= 0x30 && unit <= 0x39;
const isHexDigit = (char: string | undefined) => char !== undefined && /^[0-9a-fA-F]$/.test(char);

/**
 * A strict single-pass reader of RFC 8259 JSON that accepts exactly what `JSON.parse` accepts (up to
 * {@link MAX_JSON_DEPTH} levels of nesting), and also reports what
 * `JSON.parse` silently resolves: repeated member names (it keeps the last), numbers it rounds, unpaired surrogates.
 * It builds nothing but member-name sets; `JSON.parse` builds the value once the text passes.
 */
class JsonScanner {
  readonly #text: string;
  readonly #path: JsonPathSegment[] = [];
  #index = 0;
  // The first ambiguity seen. Scanning goes on, so a syntax error later in the text is reported instead: "not JSON"
  // is the more useful news.
  #ambiguity: JsonProblem | undefined;

  constructor(text: string) {
    this.#text = text;
  }

  scanDocument(): void {
    this.#skipWhitespace();
    if (this.#index >= this.#text.length) throw new Stop({ kind: 'empty', offset: this.#index });
    this.#value(0);
    this.#skipWhitespace();
    if (this.#index < this.#text.length) this.#syntax('the end of the document');
    if (this.#ambiguity !== undefined) this.#stop(this.#ambiguity);
  }

  #stop(problem: JsonProblem): never {
    throw new Stop(problem);
  }

  #noteAmbiguity(problem: JsonProblem): void {
    this.#ambiguity ??= problem;
  }

  #syntax(expected: string): never {
    if (this.#index >= this.#text.length) this.#stop({ kind: 'truncated', offset: this.#index });
    this.#stop({ kind: 'syntax', offset: this.#index, expected });
  }

  #skipWhitespace(): void {
    const text = this.#text;
    while (this.#index < text.length) {
      const unit = text.charCodeAt(this.#index);
      if (unit !== 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) return;
      this.#index += 1;
    }
  }

  #value(depth: number): void {
    const char = this.#text[this.#index];
    if (char === '{') this.#object(depth + 1);
    else if (char === '[') this.#array(depth + 1);
    else if (char === '"') this.#string(false);
    else if (char === '-' || isDigit(this.#text.charCodeAt(this.#index))) this.#number();
    else if (char === 't') this.#literal('true');
    else if (char === 'f') this.#literal('false');
    else if (char === 'n') this.#literal('null');
    else this.#syntax('a value');
  }

  // Steps into `{` or `[`; true when the container closes at once (`{}`, `[]`).
  #enter(depth: number, closing: '}' | ']'): boolean {
    if (depth > MAX_JSON_DEPTH) this.#stop({ kind: 'too_deep', offset: this.#index, path: [...this.#path] });
    this.#index += 1;
    this.#skipWhitespace();
    if (this.#text[this.#index] !== closing) return false;
    this.#index += 1;
    return true;
  }

  #object(depth: number): void {
    if (this.#enter(depth, '}')) return;
    const names = new Set<string>();
    for (;;) {
      this.#skipWhitespace();
      if (this.#text[this.#index] !== '"') this.#syntax('a member name in double quotes');
      const nameOffset = this.#index;
      const name = this.#string(true);
      if (names.has(name)) {
        this.#noteAmbiguity({ kind: 'duplicate_member', offset: nameOffset, path: [...this.#path, name] });
      }
      names.add(name);
      this.#skipWhitespace();
      if (this.#text[this.#index] !== ':') this.#syntax('":" after the member name');
      this.#index += 1;
      this.#skipWhitespace();
      this.#path.push(name);
      this.#value(depth);
      this.#path.pop();
      if (this.#endOfContainer('}')) return;
    }
  }

  #array(depth: number): void {
    if (this.#enter(depth, ']')) return;
    for (let position = 0; ; position += 1) {
      this.#skipWhitespace();
      this.#path.push(position);
      this.#value(depth);
      this.#path.pop();
      if (this.#endOfContainer(']')) return;
    }
  }

  // After a member or element: "," continues the container, the closing bracket ends it.
  #endOfContainer(closing: '}' | ']'): boolean {
    this.#skipWhitespace();
    const char = this.#text[this.#index];
    if (char === ',') {
      this.#index += 1;
      return false;
    }
    if (char !== closing) this.#syntax(`"," or "${closing}"`);
    this.#index += 1;
    return true;
  }

  #string(decode: true): string;
  #string(decode: false): undefined;
  #string(decode: boolean): string | undefined {
    const text = this.#text;
    let decoded = '';
    // Offset of a high surrogate still waiting for its low half, or -1.
    let pendingHigh = -1;
    this.#index += 1;
    for (;;) {
      // Skip a run of ordinary characters in one native step: long strings dominate big maps.
      PLAIN_RUN.lastIndex = this.#index;
      PLAIN_RUN.test(text);
      if (PLAIN_RUN.lastIndex > this.#index) {
        if (pendingHigh >= 0) this.#loneSurrogate(pendingHigh, decode);
        pendingHigh = -1;
        if (decode) decoded += text.slice(this.#index, PLAIN_RUN.lastIndex);
        this.#index = PLAIN_RUN.lastIndex;
      }
      if (this.#index >= text.length) this.#stop({ kind: 'truncated', offset: this.#index });
      const unitOffset = this.#index;
      let unit = text.charCodeAt(unitOffset);
      if (unit === 0x22) {
        this.#index += 1;
        if (pendingHigh >= 0) this.#loneSurrogate(pendingHigh, decode);
        return decode ? decoded : undefined;
      }
      if (unit === 0x5c) unit = this.#escape();
      else if (unit < 0x20) this.#syntax('a control character to be escaped (\\n, \\u0000, …)');
      else this.#index += 1;
      if (pendingHigh >= 0 && isLowSurrogate(unit)) pendingHigh = -1;
      else {
        if (pendingHigh >= 0) this.#loneSurrogate(pendingHigh, decode);
        pendingHigh = isHighSurrogate(unit) ? unitOffset : -1;
        if (isLowSurrogate(unit)) this.#loneSurrogate(unitOffset, decode);
      }
      if (decode) decoded += String.fromCharCode(unit);
    }
  }

  // Reads one escape sequence at the backslash and returns the UTF-16 unit it stands for.
  #escape(): number {
    const text = this.#text;
    const kind = text[this.#index + 1];
    if (kind === undefined) this.#stop({ kind: 'truncated', offset: this.#index + 1 });
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      this.#index += 2;
      return simple;
    }
    if (kind !== 'u') {
      this.#index += 1;
      this.#syntax('an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
    }
    for (let digit = 2; digit < 6; digit += 1) {
      if (!isHexDigit(text[this.#index + digit])) {
        this.#index += digit;
        this.#syntax('four hex digits after \\u');
      }
    }
    const unit = Number.parseInt(text.slice(this.#index + 2, this.#index + 6), 16);
    this.#index += 6;
    return unit;
  }

  #loneSurrogate(offset: number, inMemberName: boolean): void {
    this.#noteAmbiguity({ kind: 'lone_surrogate', offset, path: [...this.#path], inMemberName });
  }

  #digits(): void {
    if (!isDigit(this.#text.charCodeAt(this.#index))) this.#syntax('a digit');
    while (isDigit(this.#text.charCodeAt(this.#index))) this.#index += 1;
  }

  #number(): void {
    const text = this.#text;
    const start = this.#index;
    if (text[this.#index] === '-') this.#index += 1;
    if (text[this.#index] === '0') this.#index += 1;
    else this.#digits();
    if (text[this.#index] === '.') {
      this.#index += 1;
      this.#digits();
    }
    if (text[this.#index] === 'e' || text[this.#index] === 'E') {
      this.#index += 1;
      if (text[this.#index] === '+' || text[this.#index] === '-') this.#index += 1;
      this.#digits();
    }
    const token = text.slice(start, this.#index);
    if (!isExactNumberToken(token)) {
      this.#noteAmbiguity({ kind: 'inexact_number', offset: start, path: [...this.#path], token });
    }
  }

  #literal(word: 'true' | 'false' | 'null'): void {
    for (const char of word) {
      if (this.#text[this.#index] !== char) this.#syntax(`"${word}"`);
      this.#index += 1;
    }
  }
}

/**
 * Reads `text` as strict JSON and returns its first problem, or undefined when `JSON.parse` will read it and
 * every reader will agree on what it says.
 */
export function findJsonProblem(text: string): JsonProblem | undefined {
  try {
    new JsonScanner(text).scanDocument();
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}
