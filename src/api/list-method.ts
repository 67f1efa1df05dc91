/**
 * Lets a Node HTTP server receive Vault's non-standard LIST method. Node's parser
 * (llhttp) rejects unknown methods with a 400 before any JavaScript runs, yet real
 * clients send `LIST` (curl -X LIST, axios, fetch). So a Duplex sits between the TCP
 * socket and the HTTP parser and rewrites each request head
 * `LIST /p?q HTTP/1.1` into `GET /p?q&list=true HTTP/1.1` plus a marker header, which
 * Vault treats identically. Bodies pass through untouched; request boundaries are
 * tracked by Content-Length or by walking the chunked encoding.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** The header that tells the router the client really sent LIST. */
export const LIST_MARK_HEADER = 'x-vaultlab-orig-method';

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

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

type Mode = { kind: 'head' } | { kind: 'body'; left: number } | { kind: 'chunk-size' } | { kind: 'chunk-data'; left: number } | { kind: 'trailer' };

/** Wraps a socket so that LIST requests reach the HTTP server as GET ?list=true. */
export function wrapSocket(sock: Socket): Duplex {
  let buf: Buffer = Buffer.alloc(0);
  let mode: Mode = { kind: 'head' };
  const out = new Duplex({
    read() {
      sock.resume();
    },
    write(chunk, encoding, cb) {
      sock.write(chunk, encoding, cb);
    },
    // The HTTP server corks a response's head and body together: pass them on as one write (one syscall).
    writev(chunks, cb) {
      sock.write(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk as Buffer)), cb);
    },
    final(cb) {
      sock.end();
      cb();
    },
    destroy(err, cb) {
      sock.destroy(err ?? undefined);
      cb(err);
    },
  });
  const push = (b: Buffer) => {
    if (b.length && !out.push(b)) sock.pause();
  };

  const step = (): boolean => {
    switch (mode.kind) {
      case 'head': {
        const idx = buf.indexOf(HEAD_END);
        if (idx < 0) {
          if (buf.length > MAX_HEAD) {
            push(buf); // let the HTTP parser reject the oversized head
            buf = Buffer.alloc(0);
          }
          return false;
        }
        const head = buf.subarray(0, idx + 4).toString('latin1');
        buf = buf.subarray(idx + 4);
        push(Buffer.from(rewriteHead(head), 'latin1'));
        if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) mode = { kind: 'chunk-size' };
        else {
          const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          const left = cl ? Number(cl[1]) : 0;
          mode = left > 0 ? { kind: 'body', left } : { kind: 'head' };
        }
        return true;
      }
      case 'body':
      case 'chunk-data': {
        if (!buf.length) return false;
        const n = Math.min(mode.left, buf.length);
        push(buf.subarray(0, n));
        buf = buf.subarray(n);
        mode.left -= n;
        if (mode.left === 0) mode = mode.kind === 'body' ? { kind: 'head' } : { kind: 'chunk-size' };
        return true;
      }
      case 'chunk-size': {
        const idx = buf.indexOf(CRLF);
        if (idx < 0) return false;
        const size = parseInt(buf.subarray(0, idx).toString('latin1').split(';')[0].trim(), 16);
        push(buf.subarray(0, idx + 2));
        buf = buf.subarray(idx + 2);
        if (Number.isNaN(size)) mode = { kind: 'head' }; // malformed: the HTTP parser will answer 400
        else mode = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', left: size + 2 };
        return true;
      }
      case 'trailer': {
        const idx = buf.indexOf(CRLF);
        if (idx < 0) return false;
        push(buf.subarray(0, idx + 2));
        buf = buf.subarray(idx + 2);
        if (idx === 0) mode = { kind: 'head' };
        return true;
      }
    }
  };

  sock.on('data', (data: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, data]) : data;
    while (step()) {
      /* keep consuming */
    }
  });
  sock.on('end', () => out.push(null));
  sock.on('error', (e) => out.destroy(e));
  sock.on('close', () => out.destroy());
  for (const k of ['remoteAddress', 'remotePort', 'remoteFamily', 'localAddress', 'localPort', 'encrypted'] as const) {
    Object.defineProperty(out, k, { get: () => (sock as unknown as Record<string, unknown>)[k] });
  }
  const o = out as unknown as Record<string, unknown>;
  o.setTimeout = (...a: Parameters<Socket['setTimeout']>) => (sock.setTimeout(...a), out);
  o.setNoDelay = (...a: Parameters<Socket['setNoDelay']>) => (sock.setNoDelay(...a), out);
  o.setKeepAlive = (...a: Parameters<Socket['setKeepAlive']>) => (sock.setKeepAlive(...a), out);
  return out;
}
