/**
 * The largest request bodies the edge's limits allow, in their costliest shapes: what an
 * attacker would send to keep the lab's one event loop busy. Each is exactly `bytes` long.
 */
import type { JsonLimits } from '../../src/api/index.ts';

/** Pads a JSON object text with trailing whitespace to exactly `bytes` (throws if it is already longer). */
function padTo(text: string, bytes: number): string {
  const size = Buffer.byteLength(text);
  if (size > bytes) throw new Error(`body of ${size} bytes exceeds ${bytes}`);
  return text + ' '.repeat(bytes - size);
}

/** `{"<field>":[0,0,...]}` of exactly `bytes`: the shape of the original sys/unseal attack. */
export function zerosBody(field: string, bytes: number): string {
  const head = `{"${field}":[0`;
  const n = Math.floor((bytes - head.length - 2) / 2);
  return padTo(`${head}${',0'.repeat(Math.max(0, n))}]}`, bytes);
}

/**
 * A KV v2 write of exactly `bytes` that stays within `limits` and spends them all: nesting at
 * the depth bound, arrays at the element bound up to the token bound, then strings of
 * two-byte characters at the length bound (the slowest bytes to decode) filling the rest.
 * `options` (a JSON object text, a few tokens) goes in front of the data.
 */
export function worstKvBody(bytes: number, limits: JsonLimits, options?: string): string {
  const parts: string[] = [];
  const deep = limits.maxDepth - 3; // the body's object, "data", and the array holding them
  parts.push(`"deep":[${'['.repeat(deep)}${']'.repeat(deep)}]`);
  let tokens = 16 + 2 * deep;
  const arrayTokens = 2 * limits.maxArrayElements + 2;
  for (let i = 0; tokens + arrayTokens + 64 < limits.maxTokens; i++) {
    parts.push(`"n${i}":[0${',0'.repeat(limits.maxArrayElements - 1)}]`);
    tokens += arrayTokens;
  }
  const closing = '}}';
  const open = options ? `{"options":${options},"data":{` : '{"data":{';
  let size = Buffer.byteLength(`${open}${parts.join(',')}`) + closing.length;
  const chars = Math.floor(limits.maxStringLength / 2);
  for (let i = 0; tokens + 8 < limits.maxTokens; i++) {
    const room = bytes - size - 32;
    if (room <= 0) break;
    const s = 'é'.repeat(Math.min(chars, Math.floor(room / 2)));
    parts.push(`"s${i}":"${s}"`);
    size += Buffer.byteLength(s) + 8 + String(i).length;
    tokens += 4;
  }
  return padTo(`${open}${parts.join(',')}${closing}`, bytes);
}
