/**
 * Go's base64.StdEncoding.DecodeString, because transit answers bad input with its error text
 * (`illegal base64 data at input byte N`) and clients show it. Go is stricter than Buffer:
 * padding is required, nothing may follow it, and the offset it reports is the byte where
 * decoding failed. Carriage returns and newlines are skipped anywhere, as Go does.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const PAD = 0x3d; // '='
const WELL_FORMED = /^[A-Za-z0-9+/]*={0,2}$/;
const isNewline = (b: number) => b === 0x0a || b === 0x0d;

/** A CorruptInputError: its message is Go's. */
export class GoBase64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** Decodes one quantum starting at `si`; returns the next index and the bytes it produced. */
function quantum(src: Uint8Array, start: number, out: number[]): number {
  const buf = [0, 0, 0, 0];
  let si = start;
  let len = 4;
  let trailing: number | undefined;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) {
      if (j === 0) return si;
      // StdEncoding pads: a quantum cut short is corrupt where it began.
      throw new GoBase64Error(si - j);
    }
    const c = src[si++];
    const v = DECODE[c];
    if (v >= 0) {
      buf[j] = v;
      continue;
    }
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== PAD || j < 2) throw new GoBase64Error(si - 1);
    if (j === 2) {
      while (si < src.length && isNewline(src[si])) si++;
      if (si === src.length) throw new GoBase64Error(src.length);
      if (src[si] !== PAD) throw new GoBase64Error(si - 1);
      si++;
    }
    while (si < src.length && isNewline(src[si])) si++;
    if (si < src.length) trailing = si;
    len = j;
    break;
  }
  const val = (buf[0] << 18) | (buf[1] << 12) | (buf[2] << 6) | buf[3];
  const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
  out.push(...bytes.slice(0, len - 1));
  if (trailing !== undefined) throw new GoBase64Error(trailing);
  return si;
}

/** The bytes `s` encodes in standard padded base64; throws GoBase64Error as Go would. */
export function goBase64Decode(s: string): Uint8Array {
  // Well-formed input (the common case) decodes the same in Buffer, much faster.
  if (s.length % 4 === 0 && WELL_FORMED.test(s)) return new Uint8Array(Buffer.from(s, 'base64'));
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) si = quantum(src, si, out);
  return Uint8Array.from(out);
}

/** Standard padded base64, as Go's StdEncoding.EncodeToString. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
