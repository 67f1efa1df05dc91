/**
 * Raw HTTP/1.1 over node:net, for requests no well-behaved client would send (odd
 * methods, LIST, raw `..`, broken heads, pipelined requests): the bytes go out as given
 * and the responses are parsed by hand. A watchdog turns a server that never answers into a
 * "hang" result instead of a stuck test; it never judges how fast an answer came.
 */
import { connect } from 'node:net';

/** One parsed response (1xx interim responses skipped). */
export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/** The outcome of one raw exchange: the responses parsed, in order (one per request answered). */
export type RawOutcome =
  { kind: 'response'; response: RawResponse; more: RawResponse[] } | { kind: 'hang' } | { kind: 'no-response'; detail: string };

/** Options of one exchange. */
export interface RawOptions {
  /** How many responses to wait for (requests pipelined in `bytes`); fewer is fine if the server closes. */
  responses?: number;
  /** The first request is a HEAD: its response declares a length but carries no body. */
  head?: boolean;
}

/** Sends `bytes` on a fresh connection to host:port and parses the responses (1xx skipped). */
export function sendRaw(host: string, port: number, bytes: Buffer, watchdogMs: number, opts: RawOptions = {}): Promise<RawOutcome> {
  const wanted = opts.responses ?? 1;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host, port });
    let settled = false;
    const finish = (o: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: 'hang' }), watchdogMs);
    const tryParse = (ended: boolean) => {
      const all = Buffer.concat(chunks);
      const parsed = parseResponses(all, ended, opts.head ?? false);
      if (parsed.length >= wanted || (ended && parsed.length)) finish({ kind: 'response', response: parsed[0], more: parsed.slice(1) });
      else if (ended) finish({ kind: 'no-response', detail: all.toString('latin1').slice(0, 200) || '(connection closed with no bytes)' });
    };
    sock.on('connect', () => sock.end(bytes));
    sock.on('data', (d) => {
      chunks.push(d);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('close', () => tryParse(true));
    // A reset after the server answered and closed is normal (we may still be writing a body it refused).
    sock.on('error', () => tryParse(true));
  });
}

/** Parses every complete final response in `buf`, in order. */
export function parseResponses(buf: Buffer, ended: boolean, firstIsHead: boolean): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
    if (!status) return out;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    rest = rest.subarray(end + 4);
    if (status < 200) continue; // 100 Continue and friends
    const noBody = status === 204 || status === 304 || (firstIsHead && out.length === 0);
    const read = noBody ? { body: Buffer.alloc(0), used: 0 } : readBody(rest, headers, ended);
    if (!read) return out;
    out.push({ status, headers, body: read.body });
    rest = rest.subarray(read.used);
  }
}

function readBody(rest: Buffer, headers: Record<string, string>, ended: boolean): { body: Buffer; used: number } | undefined {
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return dechunk(rest);
  const cl = headers['content-length'];
  if (cl !== undefined) {
    const n = Number(cl);
    return rest.length >= n ? { body: rest.subarray(0, n), used: n } : undefined;
  }
  return ended ? { body: rest, used: rest.length } : undefined;
}

function dechunk(rest: Buffer): { body: Buffer; used: number } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = rest.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return { body: Buffer.concat(parts), used: eol + 4 };
    if (rest.length < eol + 2 + size + 2) return undefined;
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
