// Environment variables and flags arrive as text; the config file brings JSON types. These preprocessors turn
// well-formed text into the JSON type and pass anything else through untouched, so the zod schema behind them
// judges both sources by one rule (and "abc" for a number fails there, not here).

const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** "42" → 42, " 0.5 " → 0.5; other input unchanged. */
export function textToNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : value;
}

const TRUE_TEXT = new Set(['true', '1']);
const FALSE_TEXT = new Set(['false', '0']);

/** "true"/"1" → true, "false"/"0" → false (any case, surrounding spaces ignored); other input unchanged. */
export function textToBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (TRUE_TEXT.has(normalized)) return true;
  if (FALSE_TEXT.has(normalized)) return false;
  return value;
}

/** "a, b,,c" → ["a", "b", "c"]: split on commas, items trimmed, empty items dropped; arrays unchanged. */
export function textToList(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** " Info " → "info": enum values are matched without regard to case or surrounding spaces. */
export function textToKeyword(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

/** Surrounding spaces removed from text (a trailing newline in an env file is a common accident). */
export function trimText(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}
