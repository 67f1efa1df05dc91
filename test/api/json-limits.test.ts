/**
 * The bounded JSON parser: within the limits it must give exactly what JSON.parse gives
 * (values, key order, duplicate keys), also when a text is put together from many small
 * JSON.parse calls; over a limit, or on a key that could reach a prototype at any depth,
 * it refuses with a 400 in Vault's words; on bad syntax, a 400 "failed to parse JSON input".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VAULT_JSON_LIMITS, type JsonLimits } from '../../src/api/json-limits.ts';
import { parseJsonBounded } from '../../src/api/json-parse.ts';
import { BadRequestError } from '../../src/node/index.ts';

const OPEN: JsonLimits = { maxDepth: 1000, maxStringLength: 1 << 20, maxObjectEntries: 1e6, maxArrayElements: 1e6, maxTokens: 1e7 };
/** Tiny segments put even small texts together the way 32 MiB ones are. */
const SEGMENTS = [undefined, { bytes: 16, tokens: 4 }, { bytes: 64, tokens: 1 }, { bytes: 200, tokens: 30 }];

const parse = (text: string, limits: JsonLimits = OPEN, segment?: (typeof SEGMENTS)[number]) =>
  parseJsonBounded(Buffer.from(text), limits, segment);

/** Whether a parsed value holds a key the parser must refuse (the reference for the property). */
function refused(v: unknown, inCtor = false): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => refused(x));
  return Object.keys(v).some(
    (k) =>
      k === '__proto__' ||
      (inCtor && k === 'prototype') ||
      refused((v as Record<string, unknown>)[k], k === 'constructor' && !Array.isArray((v as Record<string, unknown>)[k])),
  );
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseJsonBounded gives what JSON.parse gives', () => {
  it.each(SEGMENTS.map((s) => [s ? `${s.bytes} B / ${s.tokens} tokens` : 'the default', s]))(
    'for any JSON text, segment %s',
    async (_n, segment) => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, '\t', ' \n '), async (value, indent) => {
          const text = JSON.stringify(value, null, indent);
          const want = JSON.parse(text) as unknown;
          if (refused(want)) return void (await refusal(parse(text, OPEN, segment)));
          const got = await parse(text, OPEN, segment);
          expect(got).toStrictEqual(want);
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        }),
        { numRuns: 400, seed: 0x4a50 },
      );
    },
  );

  it.each([
    ["duplicate keys, the last one wins in the first one's place", '{"a":[1,2,3,4,5],"b":{"x":[1,2,3]},"a":{"y":[9,9,9,9]},"c":1,"b":2}'],
    ['integer-like keys', '{"b":1,"2":[1,2,3,4],"1":{"z":[5,6,7,8]},"a":0}'],
    ['escapes and unicode', '{"k\\"ey":["\\u00e9\\n\\\\",{"\\ud83d\\ude00":"é"}],"x":"\\/"}'],
    ['whitespace everywhere', ' \n{ "a" : [ 1 ,\t2 , { "b" : [ ] } ] , "c" : { } }\r\n '],
    ['a top-level array', '[[1,2,3],[4,5,6],{"a":[7,8,9]},"s",true,null,-0.5e-3]'],
  ])('%s', async (_n, text) => {
    for (const segment of SEGMENTS) {
      const got = await parse(text, OPEN, segment);
      expect(JSON.stringify(got)).toBe(JSON.stringify(JSON.parse(text)));
    }
  });
});

describe("limits, in Vault's words", () => {
  const small = (l: Partial<JsonLimits>): JsonLimits => ({ ...OPEN, ...l });
  const nest = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const array = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
  const object = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  const cases: [string, Partial<JsonLimits>, string, string, string][] = [
    ['depth', { maxDepth: 5 }, nest(5), nest(6), 'JSON input exceeds allowed nesting depth'],
    ['array elements', { maxArrayElements: 3 }, `{"a":${array(3)}}`, `{"a":${array(4)}}`, 'JSON array exceeds allowed element count'],
    ['object entries', { maxObjectEntries: 3 }, `{"a":${object(3)}}`, `{"a":${object(4)}}`, 'JSON object exceeds allowed entry count'],
    [
      'string length (raw bytes)',
      { maxStringLength: 10 },
      `{"a":"${'\\n'.repeat(5)}"}`,
      `{"a":"${'x'.repeat(11)}"}`,
      'JSON string value exceeds allowed length',
    ],
    [
      'key length',
      { maxStringLength: 10 },
      `{"${'k'.repeat(10)}":1}`,
      `{"${'k'.repeat(11)}":1}`,
      'JSON string value exceeds allowed length',
    ],
    ['number length', { maxStringLength: 10 }, `[${'9'.repeat(10)}]`, `[${'9'.repeat(11)}]`, 'JSON number value exceeds allowed length'],
    // [] is 2 tokens, each further element 3 (comma, brackets): [[],[],[]] is 10.
    ['tokens', { maxTokens: 10 }, '[[],[],[]]', '[[],[],[],[]]', 'JSON payload exceeds allowed token count'],
  ];
  it.each(cases)('%s: at the bound accepted, one over refused', async (_n, limits, ok, over, message) => {
    for (const segment of SEGMENTS) {
      await expect(parse(ok, small(limits), segment)).resolves.toEqual(JSON.parse(ok));
      expect(await refusal(parse(over, small(limits), segment))).toBe(message);
    }
  });

  it("Vault's defaults", () => {
    expect(VAULT_JSON_LIMITS).toEqual({
      maxDepth: 300,
      maxStringLength: 1_048_576,
      maxObjectEntries: 10_000,
      maxArrayElements: 10_000,
      maxTokens: 500_000,
    });
  });
});

describe('keys that could reach a prototype, at every depth', () => {
  const MESSAGE = 'keys named __proto__ or constructor.prototype are not supported';
  const deep = (inner: string, n: number) => `${'{"a":['.repeat(n)}${inner}${']}'.repeat(n)}`;
  it.each([
    ['__proto__ at the top', '{"__proto__":{"x":1}}'],
    ['__proto__ at depth 71', deep('{"__proto__":1}', 71)],
    ['__proto__ at depth 299', `${'['.repeat(298)}{"__proto__":1}${']'.repeat(298)}`],
    ['__proto__ spelt with escapes', '{"a":{"\\u005f\\u005fproto\\u005f\\u005f":null}}'],
    ['constructor.prototype', deep('{"constructor":{"prototype":{"x":1}}}', 20)],
    ['constructor.prototype with an escaped key', '{"constructor":{"\\u0070rototype":1}}'],
  ])('%s is refused', async (_n, text) => {
    for (const segment of SEGMENTS) expect(await refusal(parse(text, VAULT_JSON_LIMITS, segment))).toBe(MESSAGE);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['a constructor key holding no prototype', '{"constructor":{"a":1},"prototype":2}'],
    ['__proto__ as a value', '{"a":"__proto__","b":["__proto__"]}'],
    ['a longer key that starts alike', '{"__proto__x":1,"constructors":{"prototype":1}}'],
  ])('%s is accepted', async (_n, text) => {
    for (const segment of SEGMENTS) await expect(parse(text, VAULT_JSON_LIMITS, segment)).resolves.toEqual(JSON.parse(text));
  });
});

describe('bad syntax', () => {
  it.each([
    ['{"a":[1,2,}', "invalid character '}' looking for beginning of value"],
    ['{"a":1} x', "invalid character 'x' after top-level value"],
    ['{"a"1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['{"a":[[[', 'unexpected EOF'],
    ['{"a":"x', 'unexpected EOF'],
    ['{"a":tru}', undefined],
    ['{"a":01}', undefined],
    ['{"a":"\u0001"}', undefined],
    ['{"a":"\\x"}', undefined],
  ])('%j → 400', async (text, go) => {
    for (const segment of SEGMENTS) {
      const message = await refusal(parse(text, OPEN, segment));
      expect(message).toMatch(/^failed to parse JSON input: /);
      // Structure in encoding/json's words; a scalar's own spelling in JSON.parse's.
      if (go) expect(message).toBe(`failed to parse JSON input: ${go}`);
    }
  });
});
