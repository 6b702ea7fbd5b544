import fc from 'fast-check';
import { parseRequestBody } from '#shared/intake/request-body';

/**
 * A text body is read without encoding it to UTF-8 and decoding it again unless it holds a surrogate: held to the
 * bytes path on generated text (fast-check, fixed seed). The same text sent as base64 of its UTF-8 bytes goes through
 * the bytes and the decoder, as every text body did before, so both must give the same answer.
 */
const viaBytes = (body: string) => ({ body: Buffer.from(body, 'utf8').toString('base64'), isBase64Encoded: true });
const read = (raw: { body: string; isBase64Encoded: boolean }, contentType: string, maxBytes: number) =>
  parseRequestBody({ ...raw, contentType }, maxBytes);

const UNIT = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 4 }) },
  fc.constantFrom('\uFEFF', '\uD800', '\uDFFF', '😀', 'é', '中', '\u0000', '\uFFFD', '{', '}', '"', '=', '&', ':', ','),
);
const text = fc.array(UNIT, { maxLength: 12 }).map((parts) => parts.join(''));
/** JSON and form bodies as MoEngage sends them, with the generated text inside and around them. */
const body = fc.oneof(
  text,
  fc.tuple(text, text).map(([k, v]) => `{"event":"e","distinct_id":"u",${JSON.stringify(k)}:${JSON.stringify(v)}}`),
  fc.tuple(text, text).map(([k, v]) => `\uFEFF{"event":"e","distinct_id":"u","p":"${k}${v}"}`),
  fc.tuple(text, text).map(([k, v]) => `event=e&distinct_id=u&${k}=${v}`),
);

describe('a text request body', () => {
  it('reads as its UTF-8 bytes do: value, status, reason and messages (fast-check, seed 19)', () => {
    fc.assert(
      fc.property(body, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), (text, type) => {
        expect(read({ body: text, isBase64Encoded: false }, type, 1 << 20)).toStrictEqual(read(viaBytes(text), type, 1 << 20));
      }),
      { seed: 19, numRuns: 2000 },
    );
  });

  it.each([
    ['a leading BOM', '\uFEFF{"event":"e"}'],
    ['two leading BOMs', '\uFEFF\uFEFF{"event":"e"}'],
    ['a lone surrogate', '{"event":"\uD800"}'],
    ['an emoji', '{"event":"😀"}'],
    ['no body', ''],
  ])('reads %s as its UTF-8 bytes do', (_, text) => {
    expect(read({ body: text, isBase64Encoded: false }, 'application/json', 1 << 20)).toStrictEqual(
      read(viaBytes(text), 'application/json', 1 << 20),
    );
  });

  it('counts the UTF-8 bytes against the limit, surrogates or not', () => {
    for (const text of ['{"e":"中中中"}', '{"e":"\uD800\uD800"}', '{"e":"😀😀"}']) {
      const bytes = Buffer.byteLength(Buffer.from(text, 'utf8'));
      expect(read({ body: text, isBase64Encoded: false }, 'application/json', bytes)).toMatchObject({ ok: true });
      expect(read({ body: text, isBase64Encoded: false }, 'application/json', bytes - 1)).toStrictEqual(
        read(viaBytes(text), 'application/json', bytes - 1),
      );
      expect(read({ body: text, isBase64Encoded: false }, 'application/json', bytes - 1)).toMatchObject({ status: 413 });
    }
  });
});
