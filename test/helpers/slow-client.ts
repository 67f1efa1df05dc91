/**
 * Raw clients for the listener's limits: a connection that sends a little and then
 * trickles (a slowloris), and a keep-alive connection that sends requests one at a time
 * and reads each answer. Both report when the server closes them; neither judges how fast.
 */
import { connect, type Socket } from 'node:net';
import { parseResponses, type RawResponse } from './raw-http.ts';

/** A connection the test holds open. */
export interface HeldConnection {
  sock: Socket;
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>;
  /** Every byte the server sent. */
  received(): Buffer;
}

/** Connects and resolves once connected; `first` is written at once, then `trickle` one byte per `everyMs` (if given). */
export function holdConnection(port: number, first: string, trickle?: { bytes: string; everyMs: number }): Promise<HeldConnection> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((done) => sock.on('close', () => done()));
    void closed.then(() => clearInterval(timer));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {}); // a reset is a way of being closed
    sock.once('connect', () => {
      if (first) sock.write(first, 'latin1');
      if (trickle) {
        let i = 0;
        timer = setInterval(() => {
          if (sock.writable) sock.write(trickle.bytes[i++ % trickle.bytes.length], 'latin1');
        }, trickle.everyMs);
      }
      resolve({ sock, closed, received: () => Buffer.concat(chunks) });
    });
    sock.once('error', reject);
  });
}

/** One keep-alive connection: sends a request, resolves with its answer (or undefined once the server closed). */
export class KeepAliveClient {
  private buf = Buffer.alloc(0);
  private waiting: ((r: RawResponse | undefined) => void) | undefined;
  private ended = false;
  private readonly sock: Socket;
  /** Resolves once the server has closed the connection. */
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.sock = connect({ host: '127.0.0.1', port });
    this.sock.on('error', () => {});
    this.closed = new Promise((done) =>
      this.sock.on('close', () => {
        this.ended = true;
        this.waiting?.(undefined);
        done();
      }),
    );
    this.sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      const [res] = parseResponses(this.buf, false, false);
      if (res && this.waiting) {
        this.buf = Buffer.alloc(0);
        const w = this.waiting;
        this.waiting = undefined;
        w(res);
      }
    });
  }

  /** GETs `path` on this connection. */
  get(path: string): Promise<RawResponse | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });
  }

  /** Closes the connection from this side. */
  close(): void {
    this.sock.destroy();
  }
}
