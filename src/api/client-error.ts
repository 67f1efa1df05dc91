/**
 * Requests Node's HTTP parser refuses before any route runs (an unknown method, a
 * malformed head, headers over the size limit) are answered here. fastify's default
 * answer is in its own shape and without Cache-Control; Vault's clients expect
 * `{"errors":[...]}` with Vault's headers on every response, so this writes that instead.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** The status for a parser error: 431 for oversized headers, 408 for a slow client, else 400. */
function statusFor(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/** fastify's `clientErrorHandler` (Node's parser and socket errors): writes one Vault-shaped error and closes the connection. */
export function vaultClientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = statusFor(err.code);
  const message = status === 431 ? 'request header fields too large' : `malformed HTTP request${err.code ? ` (${err.code})` : ''}`;
  const body = `${JSON.stringify({ errors: [message] })}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json',
    'Cache-Control: no-store',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  // end, not write-then-destroy: destroy would drop a write still queued.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
