/**
 * Raw HTTP/1.1 over node:net, for requests no well-behaved client would send (odd
 * methods, LIST, raw `..`, broken heads, lying bodies): the bytes go out as given and the
 * first response is parsed by hand. A watchdog turns a server that never answers into a
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

/** The outcome of one raw exchange. */
export type RawOutcome = { kind: 'response'; response: RawResponse } | { kind: 'hang' } | { kind: 'no-response'; detail: string };

/** Sends `bytes` on a fresh connection to host:port and parses the first final response. */
export function sendRaw(host: string, port: number, bytes: Buffer, watchdogMs: number): Promise<RawOutcome> {
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
      const parsed = parseResponse(Buffer.concat(chunks), ended);
      if (parsed) finish({ kind: 'response', response: parsed });
      else if (ended) finish({ kind: 'no-response', detail: Buffer.concat(chunks).toString('latin1').slice(0, 200) || '(connection closed with no bytes)' });
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

/** Parses the first final response in `buf`, or undefined while it is incomplete. */
export function parseResponse(buf: Buffer, ended: boolean): RawResponse | undefined {
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
    if (!status) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    rest = rest.subarray(end + 4);
    if (status < 200) continue; // 100 Continue and friends
    const body = readBody(rest, headers, status, ended);
    return body === undefined ? undefined : { status, headers, body };
  }
}

function readBody(rest: Buffer, headers: Record<string, string>, status: number, ended: boolean): Buffer | undefined {
  if (status === 204 || status === 304) return Buffer.alloc(0);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return dechunk(rest);
  const cl = headers['content-length'];
  if (cl !== undefined) {
    const n = Number(cl);
    if (rest.length >= n) return rest.subarray(0, n);
    return ended ? rest : undefined; // a HEAD answer declares a length it does not send
  }
  return ended ? rest : undefined;
}

function dechunk(rest: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = rest.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (rest.length < eol + 2 + size + 2) return undefined;
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
