import fc from 'fast-check';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadConnectorServiceMap,
  parseServiceMap,
  ServiceMapError,
  signingCanonicalJson,
  signServiceMap,
  verifyServiceMapSignature,
} from '../src/index.js';
import { startServer, type TestServer } from './helpers/map-server.js';
import { clock, signedMapText, TEST_KEY, unsignedMap } from './helpers/maps.js';

// Bounded runs keep the suite fast; a failure prints its seed and path for `fc.assert(..., { seed, path })`.
const RUNS = { numRuns: 300 } as const;

// Strings of every kind: ASCII, any Unicode (names the collator calls equal), and raw UTF-16 (lone surrogates).
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 4, stringUnit: 'grapheme' }),
  fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
);
// Names the "en" collator calls equal although they differ ("a" vs "a\u0000", "é" vs "e\u0301"): random strings
// rarely hit such ties, so they get an arbitrary of their own.
const collatorTies = fc.dictionary(
  fc.string({
    unit: fc.constantFrom('a', 'e', '\u00e9', '\u0301', '\u0000', '\u0001', '\u200b'),
    maxLength: 3,
  }),
  fc.integer(),
  { minKeys: 2, maxKeys: 6 },
);
const anyObject = fc.dictionary(fc.string({ unit: 'grapheme' }), anyJson, { maxKeys: 6 });
const key = fc.string({ minLength: 1, maxLength: 40 });

/** Writes `value` as JSON with members in a generated order and generated whitespace between tokens. */
function writeLaidOut(value: unknown, generate: fc.GeneratorValue): string {
  const space = () => generate(fc.constantFrom, '', ' ', '\n', '\t', '\r\n  ');
  if (Array.isArray(value)) {
    const items = value.map((item) => `${space()}${writeLaidOut(item, generate)}${space()}`);
    return `[${items.join(',') || space()}]`;
  }
  if (value !== null && typeof value === 'object') {
    const names = Object.keys(value);
    const order = generate(fc.shuffledSubarray, names, { minLength: names.length, maxLength: names.length });
    const members = order.map(
      (name) =>
        `${space()}${JSON.stringify(name)}${space()}:${space()}${writeLaidOut((value as Record<string, unknown>)[name], generate)}${space()}`,
    );
    return `{${members.join(',') || space()}}`;
  }
  return JSON.stringify(value);
}

function onlyServiceMapErrors(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceMapError);
  }
}

describe('signingCanonicalJson', () => {
  it('does not depend on the member order or the whitespace of the input text', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, collatorTies), fc.gen(), (value, generate) => {
        const reference = signingCanonicalJson(JSON.parse(JSON.stringify(value)));
        expect(signingCanonicalJson(JSON.parse(writeLaidOut(value, generate)))).toBe(reference);
      }),
      RUNS,
    );
  });
});

describe('signing', () => {
  it('verifies what it signed, for any payload and key, also after a trip through JSON text', () => {
    fc.assert(
      fc.property(anyObject, key, (payload, signingKey) => {
        const signed = signServiceMap(payload, signingKey);
        expect(verifyServiceMapSignature(signed, signingKey)).toBe(true);
        expect(verifyServiceMapSignature(JSON.parse(JSON.stringify(signed)), signingKey)).toBe(true);
      }),
      RUNS,
    );
  });

  it('fails verification after changing one character of a signed string member', () => {
    fc.assert(
      fc.property(
        anyObject,
        fc.string({ minLength: 1, unit: 'grapheme' }),
        key,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1 }),
        (payload, note, signingKey, position, replacement) => {
          const signed = signServiceMap({ ...payload, note }, signingKey);
          const index = position % note.length;
          fc.pre(note[index] !== replacement);
          const changed = `${note.slice(0, index)}${replacement}${note.slice(index + 1)}`;
          expect(verifyServiceMapSignature({ ...signed, note: changed }, signingKey)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('fails verification after any one-character change of the signed text that changes its meaning', () => {
    fc.assert(
      fc.property(
        anyObject,
        key,
        fc.nat(),
        fc.constantFrom(...'0123456789abcdefAZ_-:" '),
        (payload, signingKey, position, replacement) => {
          const text = JSON.stringify(signServiceMap(payload, signingKey));
          const index = position % text.length;
          const changed = `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
          let parsed: unknown;
          try {
            parsed = JSON.parse(changed);
          } catch {
            return; // no longer JSON: nothing to verify
          }
          // `1e5` → `1E5`, or an edit inside a number that reads the same, changes no meaning.
          fc.pre(signingCanonicalJson(parsed) !== signingCanonicalJson(JSON.parse(text)));
          const isObject = parsed !== null && typeof parsed === 'object';
          expect(isObject && verifyServiceMapSignature(parsed as object, signingKey)).toBe(false);
        },
      ),
      { ...RUNS, numRuns: 500 },
    );
  });
});

const verifyOptions = { signatureKey: TEST_KEY, clock };

// Maps signed with the right key whose members are arbitrary, so inputs reach the schema and later checks.
const signedArbitraryMap = fc
  .dictionary(
    fc.constantFrom('id', 'brand', 'generatedAt', 'ttlSeconds', 'connectors', 'signature', 'extra'),
    fc.oneof(anyJson, fc.array(anyObject, { maxLength: 3 })),
  )
  .map((overrides) => JSON.stringify(signServiceMap(unsignedMap(overrides), TEST_KEY)));

// Near-JSON text: an edit of real JSON, or a string over JSON's own alphabet.
const nearJson = fc.oneof(
  fc
    .tuple(
      anyJson,
      fc.nat(),
      fc.constantFrom('', '{', '}', '[', ']', '"', ',', ':', '\\', '0', '-', 'e', '.', ' '),
    )
    .map(([value, position, edit]) => {
      const text = JSON.stringify(value);
      const index = position % (text.length + 1);
      return `${text.slice(0, index)}${edit}${text.slice(index + (edit === '' ? 1 : 0))}`;
    }),
  fc.string({ unit: fc.constantFrom(...'{}[]",:0123456789-+.eEtrufalsn \\u\n'), maxLength: 30 }),
);

describe('parseServiceMap on arbitrary input', () => {
  it('never throws anything but a ServiceMapError', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary' }),
      anyJson.map((value) => JSON.stringify(value)),
      signedArbitraryMap,
      nearJson,
    );
    fc.assert(
      fc.property(anyText, (text) => onlyServiceMapErrors(() => parseServiceMap(text, verifyOptions))),
      RUNS,
    );
  });

  it('calls text a parse error exactly when JSON.parse rejects it', () => {
    fc.assert(
      fc.property(nearJson, (text) => {
        let jsonParseAccepts = true;
        try {
          JSON.parse(text);
        } catch {
          jsonParseAccepts = false;
        }
        let code: string | undefined;
        try {
          parseServiceMap(text, verifyOptions);
        } catch (error) {
          code = (error as ServiceMapError).code;
        }
        expect(code === 'parse').toBe(!jsonParseAccepts);
      }),
      { numRuns: 500 },
    );
  });
});

describe('loadConnectorServiceMap on arbitrary bodies', () => {
  let server: TestServer;
  let agent: Agent;
  let body: Uint8Array = new Uint8Array();

  beforeAll(async () => {
    server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    agent = new Agent({ connections: 1, pipelining: 1 });
  });
  afterAll(async () => {
    await agent.close();
    await server.close();
  });

  it('resolves or throws a ServiceMapError, whatever the bytes', async () => {
    const valid = Buffer.from(signedMapText());
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      // A valid map with a few bytes overwritten: reaches every stage, not only the JSON reader.
      fc
        .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 3 })
        .map((edits) => {
          const bytes = Uint8Array.from(valid);
          for (const [index, byte] of edits) bytes[index] = byte;
          return bytes;
        }),
      anyJson.map((value) => Buffer.from(JSON.stringify(value))),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (bytes) => {
        body = bytes;
        await loadConnectorServiceMap({
          serviceMapUrl: `${server.origin}/map`,
          dispatcher: agent,
          timeoutMs: 5_000,
          ...verifyOptions,
        }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(ServiceMapError);
        });
      }),
      { numRuns: 200 },
    );
  });
});
