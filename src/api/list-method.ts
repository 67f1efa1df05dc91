/**
 * Lets a Node HTTP server receive Vault's non-standard LIST method. Node's parser
 * (llhttp) rejects unknown methods with a 400 before any JavaScript runs, yet real
 * clients send `LIST` (curl -X LIST, axios, fetch). So the bytes a socket reads are
 * rewritten before the parser sees them: each request head `LIST /p?q HTTP/1.1` becomes
 * `GET /p?q&list=true HTTP/1.1` plus a marker header, which Vault treats identically.
 * Bodies pass through untouched; request boundaries are tracked by Content-Length or by
 * walking the chunked encoding.
 *
 * The rewrite sits in the socket's own `push` (no stream in between): a Duplex wrapper
 * cost about 17 % of throughput, copying every byte both ways through a JavaScript
 * stream. Heads that are not LIST, and whole requests in one read, pass through as the
 * very Buffer the socket read.
 */
import type { Socket } from 'node:net';

/** The header that tells the router the client really sent LIST. */
export const LIST_MARK_HEADER = 'x-vaultlab-orig-method';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const L = 0x4c; // 'L', the only method initial that needs a look at the head line

/** Rewrites one request head if its method is LIST. */
export function rewriteHead(head: string): string {
  const eol = head.indexOf('\r\n');
  const m = /^LIST (\S+) (HTTP\/1\.[01])$/.exec(head.slice(0, eol));
  if (!m) return head;
  const target = `${m[1]}${m[1].includes('?') ? '&' : '?'}list=true`;
  return `GET ${target} ${m[2]}\r\n${LIST_MARK_HEADER}: LIST\r\n${head.slice(eol + 2)}`;
}

/** The request target as the client sent it: for a LIST, without the `list=true` the shim appended. */
export function clientUrl(url: string, headers: Record<string, string | string[] | undefined>): string {
  if (headers[LIST_MARK_HEADER] !== 'LIST') return url;
  for (const added of ['?list=true', '&list=true']) if (url.endsWith(added)) return url.slice(0, -added.length);
  return url;
}

type Mode =
  { kind: 'head' } | { kind: 'body'; left: number } | { kind: 'chunk-size' } | { kind: 'chunk-data'; left: number } | { kind: 'trailer' };

/**
 * Where the connection's current request stands: nothing of it read yet, part of its
 * head read (held back until complete), or its head read and its body arriving. The
 * listener times slow clients on it, since Node's parser never sees a head the shim holds.
 */
export type RequestPhase = 'idle' | 'head' | 'body';

/** The byte stream of one connection, with every LIST head rewritten. */
export class ListRewriter {
  private buf: Buffer = EMPTY;
  private mode: Mode = { kind: 'head' };
  private out: Buffer[] = [];
  private rewrote = false;
  /** Requests fully received so far (head and body). */
  received = 0;

  /** Where the current request stands after the bytes fed so far. */
  get phase(): RequestPhase {
    if (this.mode.kind !== 'head') return 'body';
    return this.buf.length ? 'head' : 'idle';
  }

  /** Takes the bytes a read returned; gives back what the HTTP parser should see (maybe empty, while a head is incomplete). */
  feed(data: Buffer): Buffer {
    const fresh = this.buf.length === 0;
    this.buf = fresh ? data : Buffer.concat([this.buf, data]);
    this.out = [];
    this.rewrote = false;
    while (this.step()) {
      /* keep consuming */
    }
    // The common case: whole heads, none of them LIST: hand on the read itself, no copy.
    if (fresh && !this.rewrote && this.buf.length === 0) return data;
    return this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
  }

  private ended(): Mode {
    this.received++;
    return { kind: 'head' };
  }

  private take(n: number): Buffer {
    const piece = this.buf.subarray(0, n);
    this.buf = this.buf.length === n ? EMPTY : this.buf.subarray(n);
    return piece;
  }

  /** Consumes what the current mode can from the buffer; false when it must wait for more bytes. */
  private step(): boolean {
    const mode = this.mode;
    switch (mode.kind) {
      case 'head':
        return this.head();
      case 'body':
      case 'chunk-data':
        return this.body(mode);
      case 'chunk-size':
        return this.chunkSize();
      case 'trailer':
        return this.trailer();
    }
  }

  /** A whole head (rewritten if LIST) once its blank line has arrived; then how its body is framed. */
  private head(): boolean {
    const idx = this.buf.indexOf(HEAD_END);
    if (idx < 0) {
      if (this.buf.length > MAX_HEAD) this.out.push(this.take(this.buf.length)); // the HTTP parser rejects the oversized head
      return false;
    }
    const raw = this.take(idx + 4);
    const head = raw.toString('latin1');
    if (raw[0] === L && head.startsWith('LIST ')) {
      this.out.push(Buffer.from(rewriteHead(head), 'latin1'));
      this.rewrote = true;
    } else this.out.push(raw);
    if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) this.mode = { kind: 'chunk-size' };
    else {
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const left = cl ? Number(cl[1]) : 0;
      if (left > 0) this.mode = { kind: 'body', left };
      else this.received++;
    }
    return true;
  }

  /** Body bytes (or one chunk's data and its CRLF), passed through as they come. */
  private body(mode: Extract<Mode, { left: number }>): boolean {
    if (!this.buf.length) return false;
    const n = Math.min(mode.left, this.buf.length);
    this.out.push(this.take(n));
    mode.left -= n;
    if (mode.left === 0) this.mode = mode.kind === 'body' ? this.ended() : { kind: 'chunk-size' };
    return true;
  }

  /** A chunk-size line: the next chunk's length, or 0 for the last chunk. */
  private chunkSize(): boolean {
    const idx = this.buf.indexOf(CRLF);
    if (idx < 0) return false;
    const size = parseInt(this.buf.subarray(0, idx).toString('latin1').split(';')[0].trim(), 16);
    this.out.push(this.take(idx + 2));
    if (Number.isNaN(size))
      this.mode = this.ended(); // malformed: the HTTP parser will answer 400
    else this.mode = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', left: size + 2 };
    return true;
  }

  /** One trailer line; the empty one ends the request. */
  private trailer(): boolean {
    const idx = this.buf.indexOf(CRLF);
    if (idx < 0) return false;
    this.out.push(this.take(idx + 2));
    if (idx === 0) this.mode = this.ended();
    return true;
  }
}

/**
 * Makes `sock` rewrite LIST heads before Node's HTTP server parses them, telling `onPhase`
 * after each read where the current request stands and how many were received whole. Must run before
 * the socket is handed to the server: the server would otherwise feed the parser from
 * the libuv handle directly (in C++, where no JavaScript can see the bytes).
 */
export function acceptListMethod(sock: Socket, onPhase?: (phase: RequestPhase, received: number) => void): void {
  const handle = (sock as unknown as { _handle?: { _consumed?: boolean } })._handle;
  // Node consumes a socket natively only when its handle is not marked consumed yet.
  if (handle) handle._consumed = true;
  const rewriter = new ListRewriter();
  const push = sock.push.bind(sock);
  sock.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (!Buffer.isBuffer(chunk)) return push(chunk, encoding);
    const out = rewriter.feed(chunk);
    onPhase?.(rewriter.phase, rewriter.received);
    return out.length ? push(out) : true;
  };
}
