/** Go's StdEncoding decode, offsets and all: transit reports its errors in Go's words. */
import { describe, expect, it } from 'vitest';
import { goBase64Decode } from '../../../../../src/node/logical/engines/transit/go-base64.ts';

describe('goBase64Decode', () => {
  it.each([
    ['', ''],
    ['QQ==', 'A'],
    ['QUI=', 'AB'],
    ['QUJD', 'ABC'],
    ['QUJD\nRA==', 'ABCD'],
    ['QU\r\nJD', 'ABC'],
    ['QQ==\n', 'A'],
  ])('decodes %j', (input, text) => {
    expect(Buffer.from(goBase64Decode(input)).toString()).toBe(text);
  });

  it.each([
    ['!', 0],
    ['QQ', 0],
    ['QUJ', 0],
    ['QUJDR', 4],
    ['QQ=', 3],
    ['QQ=Q', 2],
    ['Q===', 1],
    ['QQ==QQ==', 4],
    ['QUI=x', 4],
    ['QU!D', 2],
    ['é', 0],
  ])('refuses %j at byte %i', (input, offset) => {
    expect(() => goBase64Decode(input)).toThrow(`illegal base64 data at input byte ${offset}`);
  });
});
