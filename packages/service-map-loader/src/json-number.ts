// Below 2^53 every integer is exact and fractions are read as the nearest double by every JSON reader alike;
// from 2^53 on, neighbouring integers collapse, so `9007199254740993` silently reads as `…992`.
const EXACT_INTEGER_LIMIT = 2 ** 53;
// A finite double's integer value has at most 309 digits; more significant digits cannot all be exact.
const MAX_EXACT_DIGITS = 309;
const NUMBER_TOKEN = /^-?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * True when the JSON number token reads the same in every JSON reader: it is finite as a double, and, when its
 * magnitude reaches 2^53, the double is exactly the token's value (so `1e+21` and `2^60` pass, while
 * `12345678901234567891` and `9007199254740993` do not). Fractions below 2^53 pass: they round alike everywhere.
 */
export function isExactNumberToken(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  if (Math.abs(value) < EXACT_INTEGER_LIMIT) return true;
  const match = NUMBER_TOKEN.exec(token);
  if (match === null) return false;
  const [, integerPart = '', fractionPart = '', exponentPart = '0'] = match;
  let digits = `${integerPart}${fractionPart}`.replace(/^0+/, '');
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailingZeros);
  // value = digits × 10^exponent, with no trailing zeros left in digits.
  const exponent = Number(exponentPart) - fractionPart.length + trailingZeros;
  // A value this large is an integer double, so a token with a fractional part cannot equal it.
  if (exponent < 0) return false;
  if (digits.length + exponent > MAX_EXACT_DIGITS) return false;
  return BigInt(digits) * 10n ** BigInt(exponent) === BigInt(Math.abs(value));
}
