/**
 * One linear pass over a JSON body's bytes that checks Vault's limits (json-limits.ts) and
 * the body's structure, and refuses `__proto__` keys (and `prototype` inside a
 * `constructor` object) at every depth, escaped or not. It never builds a value. For a
 * body too big to parse in one go it records where each big container's children lie, so
 * json-parse.ts can take them a segment at a time.
 */
import { BadRequestError } from '../node/index.ts';
import { PROTOTYPE_KEY_MESSAGE, type JsonLimits, type Segment } from './json-limits.ts';

/** The fields of one child record in `Composite.children` (a flat list, STRIDE numbers per child). */
export const enum Child {
  KeyStart = 0,
  KeyEnd = 1,
  ValueStart = 2,
  ValueEnd = 3,
  Tokens = 4,
  /** Index into `JsonScanner.composites`, or -1 when the child is parsed whole. */
  Composite = 5,
}
/** Numbers per child record. */
export const STRIDE = 6;

/** A container too big to parse in one go: its children's spans (keys end after their closing quote). */
export interface Composite {
  kind: 'object' | 'array';
  children: number[];
}

const enum S {
  Value,
  ArrayFirst,
  ObjectFirst,
  Key,
  Colon,
  After,
  Done,
}

interface Frame {
  object: boolean;
  start: number;
  count: number;
  tokensAtStart: number;
  firstChild: number;
  keyStart: number;
  keyEnd: number;
  /** This object is the value of a `constructor` key: a `prototype` key inside it is refused. */
  ctorValue: boolean;
  /** The last key read here was `constructor`. */
  ctorKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const PROTO = Buffer.from('__proto__');
const CTOR = Buffer.from('constructor');
const PROTOTYPE = Buffer.from('prototype');

/** Go's quoteChar, for syntax errors in encoding/json's words. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

function syntax(message: string): BadRequestError {
  return new BadRequestError(`failed to parse JSON input: ${message}`);
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/**
 * One pass over a JSON text's bytes. `step` may be called repeatedly with a growing bound,
 * so a big body is scanned in slices between which the event loop runs other work.
 */
export class JsonScanner {
  /** Tokens seen so far. */
  tokens = 0;
  /** Containers too big for one JSON.parse call (only when recording). */
  readonly composites: Composite[] = [];
  /** The top-level value: its composite index, or -1 when it is parsed whole. */
  root = -1;
  /** Where the top-level value starts and ends (whitespace around it left out). */
  rootStart = -1;
  rootEnd = -1;
  private pos = 0;
  private state = S.Value;
  private readonly frames: Frame[] = [];
  private depth = 0;
  private readonly rec: number[] = [];

  /** With a `segment`, containers bigger than it are recorded as composites. */
  constructor(
    private readonly buf: Buffer,
    private readonly limits: JsonLimits,
    private readonly segment?: Segment,
  ) {}

  /** Scans up to byte `until` (or the end); true once the whole text is scanned and valid. */
  step(until: number): boolean {
    const buf = this.buf;
    const end = Math.min(until, buf.length);
    let i = this.pos;
    while (i < end) {
      const c = buf[i];
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S.Value:
        case S.ArrayFirst:
          if (c === 0x5d && this.state === S.ArrayFirst) i = this.close(i, false);
          else i = this.value(i, c);
          break;
        case S.ObjectFirst:
        case S.Key:
          if (c === 0x7d && this.state === S.ObjectFirst) i = this.close(i, true);
          else if (c === QUOTE) i = this.key(i);
          else throw syntax(`invalid character ${quoteChar(c)} looking for beginning of object key string`);
          break;
        case S.Colon:
          if (c !== 0x3a) throw syntax(`invalid character ${quoteChar(c)} after object key`);
          this.count();
          this.state = S.Value;
          i++;
          break;
        case S.After: {
          const top = this.frames[this.depth - 1];
          if (c === 0x2c) {
            this.count();
            this.state = top.object ? S.Key : S.Value;
            i++;
          } else if (c === (top.object ? 0x7d : 0x5d)) i = this.close(i, top.object);
          else throw syntax(`invalid character ${quoteChar(c)} after ${top.object ? 'object key:value pair' : 'array element'}`);
          break;
        }
        case S.Done:
          throw syntax(`invalid character ${quoteChar(c)} after top-level value`);
      }
    }
    this.pos = Math.max(i, this.pos);
    if (this.pos < buf.length) return false;
    if (this.state !== S.Done) throw syntax('unexpected EOF');
    return true;
  }

  private count(): void {
    if (++this.tokens > this.limits.maxTokens) throw new BadRequestError('JSON payload exceeds allowed token count');
  }

  /** A value starting at i: a container opens, a scalar is skipped whole. */
  private value(i: number, c: number): number {
    const parent = this.depth ? this.frames[this.depth - 1] : undefined;
    if (parent) {
      if (!parent.object && ++parent.count > this.limits.maxArrayElements)
        throw new BadRequestError('JSON array exceeds allowed element count');
    }
    const ctorValue = parent?.ctorKey === true && c === 0x7b;
    if (parent) parent.ctorKey = false;
    this.count();
    if (c === 0x7b || c === 0x5b) {
      this.open(i, c === 0x7b, ctorValue);
      return i + 1;
    }
    let j: number;
    if (c === QUOTE) j = this.stringEnd(i) + 1;
    else if (isNumberByte(c) || (c >= 0x61 && c <= 0x7a)) {
      j = this.scalarEnd(i);
      if (j - i > this.limits.maxStringLength)
        throw new BadRequestError(c >= 0x61 ? 'JSON string value exceeds allowed length' : 'JSON number value exceeds allowed length');
    } else throw syntax(`invalid character ${quoteChar(c)} looking for beginning of value`);
    this.ended(i, j, 1, -1);
    return j;
  }

  private open(i: number, object: boolean, ctorValue: boolean): void {
    if (this.depth >= this.limits.maxDepth) throw new BadRequestError('JSON input exceeds allowed nesting depth');
    let f = this.frames[this.depth];
    if (!f) {
      f = { object, start: 0, count: 0, tokensAtStart: 0, firstChild: 0, keyStart: -1, keyEnd: -1, ctorValue: false, ctorKey: false };
      this.frames[this.depth] = f;
    }
    f.object = object;
    f.start = i;
    f.count = 0;
    f.tokensAtStart = this.tokens - 1;
    f.firstChild = this.rec.length;
    f.keyStart = -1;
    f.keyEnd = -1;
    f.ctorValue = ctorValue;
    f.ctorKey = false;
    this.depth++;
    this.state = object ? S.ObjectFirst : S.ArrayFirst;
  }

  private close(i: number, object: boolean): number {
    this.count();
    const f = this.frames[--this.depth];
    const tokens = this.tokens - f.tokensAtStart;
    let composite = -1;
    const seg = this.segment;
    if (seg && (i + 1 - f.start > seg.bytes || tokens > seg.tokens)) {
      composite = this.composites.length;
      this.composites.push({ kind: object ? 'object' : 'array', children: this.rec.slice(f.firstChild) });
    }
    if (seg) this.rec.length = f.firstChild;
    this.ended(f.start, i + 1, tokens, composite);
    return i + 1;
  }

  /** A value [start, end) is complete: record it in its container (or as the root). */
  private ended(start: number, end: number, tokens: number, composite: number): void {
    if (this.depth === 0) {
      this.root = composite;
      this.rootStart = start;
      this.rootEnd = end;
      this.state = S.Done;
      return;
    }
    this.state = S.After;
    if (!this.segment) return;
    const f = this.frames[this.depth - 1];
    this.rec.push(f.object ? f.keyStart : -1, f.object ? f.keyEnd : -1, start, end, f.object ? tokens + 2 : tokens, composite);
  }

  private key(i: number): number {
    const f = this.frames[this.depth - 1];
    if (++f.count > this.limits.maxObjectEntries) throw new BadRequestError('JSON object exceeds allowed entry count');
    this.count();
    const end = this.stringEnd(i);
    this.checkKey(f, i, end);
    f.keyStart = i;
    f.keyEnd = end + 1;
    this.state = S.Colon;
    return end + 1;
  }

  /** Refuses `__proto__` anywhere and `prototype` inside a `constructor` object, escaped or not. */
  private checkKey(f: Frame, quote: number, closing: number): void {
    const buf = this.buf;
    const len = closing - quote - 1;
    f.ctorKey = false;
    // Raw, the names are 9 to 11 bytes; escaped (\uXXXX at most per character), at most 66.
    if (len < 9 || len > 66) return;
    let escaped = false;
    for (let k = quote + 1; k < closing && !escaped; k++) escaped = buf[k] === BACKSLASH;
    let name: Buffer;
    if (escaped) {
      let decoded: unknown;
      try {
        decoded = JSON.parse(buf.toString('utf8', quote, closing + 1));
      } catch (err) {
        throw syntax((err as Error).message);
      }
      name = Buffer.from(decoded as string);
    } else {
      if (len > 11) return;
      name = buf.subarray(quote + 1, closing);
    }
    if (name.equals(PROTO) || (f.ctorValue && name.equals(PROTOTYPE))) throw new BadRequestError(PROTOTYPE_KEY_MESSAGE);
    f.ctorKey = name.equals(CTOR);
  }

  /** The index of the closing quote of the string opening at i. */
  private stringEnd(i: number): number {
    const buf = this.buf;
    // Most strings hold no escape: then the native search for the closing quote is the whole job.
    let j = buf.indexOf(QUOTE, i + 1);
    if (j < 0) throw syntax('unexpected EOF');
    let k = i + 1;
    if (j - k > 64) {
      const at = buf.subarray(k, j).indexOf(BACKSLASH);
      k = at < 0 ? j : k + at;
    } else while (k < j && buf[k] !== BACKSLASH) k++;
    if (k < j) {
      // Escapes: walk byte by byte (a native search per escaped quote costs ~50x more).
      for (j = k; j < buf.length && buf[j] !== QUOTE; j++) if (buf[j] === BACKSLASH) j++;
      if (j >= buf.length) throw syntax('unexpected EOF');
    }
    if (j - i - 1 > this.limits.maxStringLength) throw new BadRequestError('JSON string value exceeds allowed length');
    return j;
  }

  /** The end of a number or literal: JSON.parse judges its spelling later. */
  private scalarEnd(i: number): number {
    const buf = this.buf;
    let j = i + 1;
    while (j < buf.length) {
      const c = buf[j];
      if (!(isNumberByte(c) || (c >= 0x61 && c <= 0x7a))) break;
      j++;
    }
    return j;
  }

  /** The recorded children of the top-level value when it is a composite. */
  get rootComposite(): Composite | undefined {
    return this.root >= 0 ? this.composites[this.root] : undefined;
  }
}
