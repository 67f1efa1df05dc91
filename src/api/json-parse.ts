/**
 * Request bodies parsed without holding the event loop. Every node of a lab shares one
 * loop, and one JSON.parse of a 32 MiB body takes 0.2 to 0.5 s on a 2-core machine (UTF-8
 * decoding of a non-ASCII body alone ~0.2 s): long enough for the active to miss its lease
 * renewals (TTL 1 s, renewed every 333 ms in the lab profile). So a small body is checked
 * and parsed in one go, while a big one is checked in slices, then each big container is
 * put together from JSON.parse calls on runs of its children that fit in a segment,
 * yielding to the loop between slices. The limits (json-limits.ts) bound the total work.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BadRequestError } from '../node/index.ts';
import type { JsonLimits, Segment } from './json-limits.ts';
import { Child, JsonScanner, STRIDE, type Composite } from './json-scanner.ts';

/**
 * The most one JSON.parse call takes on (~1 to 3 ms of work for the densest shapes); a
 * body this small is checked and parsed in one synchronous step.
 */
export const SEGMENT: Readonly<Segment> = { bytes: 64 * 1024, tokens: 8_192 };
/** Bytes checked between two looks at the clock. */
const SCAN_CHUNK = 64 * 1024;
/** The longest the parser holds the loop before letting other work run. */
const SLICE_MS = 4;

/** Yields to the event loop once a slice's time is used up. */
export class Slicer {
  private since = performance.now();

  /** Lets timers and I/O run if this slice has lasted SLICE_MS. */
  async pause(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await nextTurn();
    this.since = performance.now();
  }
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`failed to parse JSON input: ${(err as Error).message}`);
  }
}

/**
 * Parses a JSON text within `limits`, refusing prototype keys; a 400 in Vault's words
 * otherwise. `segment` is SEGMENT but in tests, which shrink it to put small texts together
 * the way big ones are.
 */
export async function parseJsonBounded(buf: Buffer, limits: JsonLimits, segment: Segment = SEGMENT): Promise<unknown> {
  if (buf.length <= segment.bytes) {
    new JsonScanner(buf, limits).step(buf.length);
    return parseText(buf.toString('utf8'));
  }
  const slicer = new Slicer();
  const scanner = new JsonScanner(buf, limits, segment);
  for (let at = SCAN_CHUNK; !scanner.step(at); at += SCAN_CHUNK) await slicer.pause();
  await slicer.pause();
  const root = scanner.rootComposite;
  // A top-level value that fits a segment (a big body of mostly whitespace, a long string).
  if (!root) return parseText(buf.toString('utf8', scanner.rootStart, scanner.rootEnd));
  return assemble({ scanner, buf, slicer, segment }, root);
}

interface Assembly {
  scanner: JsonScanner;
  buf: Buffer;
  slicer: Slicer;
  segment: Segment;
}

/** One big container, from its children: runs of whole ones in one JSON.parse each, big ones in turn. */
async function assemble(a: Assembly, node: Composite): Promise<unknown> {
  const { scanner, buf, segment } = a;
  const array = node.kind === 'array';
  const out: unknown[] = [];
  const obj: Record<string, unknown> = {};
  const ch = node.children;
  for (let i = 0; i < ch.length;) {
    const composite = ch[i + Child.Composite];
    if (composite >= 0) {
      const value = await assemble(a, scanner.composites[composite]);
      // The scanner refused every `__proto__` key, so a plain assignment cannot reach a prototype.
      if (array) out.push(value);
      else obj[parseText(buf.toString('utf8', ch[i + Child.KeyStart], ch[i + Child.KeyEnd])) as string] = value;
      i += STRIDE;
      continue;
    }
    const from = array ? ch[i + Child.ValueStart] : ch[i + Child.KeyStart];
    let tokens = ch[i + Child.Tokens];
    let j = i + STRIDE;
    while (
      j < ch.length &&
      ch[j + Child.Composite] < 0 &&
      ch[j + Child.ValueEnd] - from <= segment.bytes &&
      tokens + ch[j + Child.Tokens] <= segment.tokens
    ) {
      tokens += ch[j + Child.Tokens];
      j += STRIDE;
    }
    const text = buf.toString('utf8', from, ch[j - STRIDE + Child.ValueEnd]);
    if (array) for (const v of parseText(`[${text}]`) as unknown[]) out.push(v);
    // Later duplicates overwrite earlier ones in place, as within one JSON.parse.
    else Object.assign(obj, parseText(`{${text}}`));
    i = j;
    await a.slicer.pause();
  }
  return array ? out : obj;
}
