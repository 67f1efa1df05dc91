/** Servers and clients for testing links over real sockets: an echo server, a byte sink, round trips. */
import { once } from 'node:events';
import net, { type Socket } from 'node:net';

export interface TestServer {
  port: number;
  /** Connections the server has accepted. */
  accepted(): number;
  close(): Promise<void>;
}

async function serve(onSocket: (s: Socket) => void): Promise<TestServer> {
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onSocket(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Sends back every byte it reads, and its FIN after them. */
export const echoServer = (): Promise<TestServer> => serve((s) => s.pipe(s));

/** Counts the bytes it reads; `received` resolves once `expect` bytes have come. */
export async function sinkServer(): Promise<TestServer & { received(expect: number): Promise<void> }> {
  let total = 0;
  const waiters: Array<{ expect: number; resolve: () => void }> = [];
  const server = await serve((s) =>
    s.on('data', (d: Buffer) => {
      total += d.length;
      for (const w of waiters.filter((w) => total >= w.expect)) w.resolve();
    }),
  );
  const received = (expect: number) => new Promise<void>((resolve) => (total >= expect ? resolve() : waiters.push({ expect, resolve })));
  return { ...server, received };
}

/** A client connected to `port` (the link's), Nagle off so one byte goes out alone. */
export async function dial(port: number): Promise<Socket> {
  const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
  await once(s, 'connect');
  return s;
}

/** The error that ends a connection attempt or an open socket (its code), waiting at most `ms`. */
export function failureOf(s: Socket, ms = 15_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('no error'), ms);
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? e.message);
    });
  });
}

/** Milliseconds for one byte to go out through an echo and come back. */
export async function roundTrip(s: Socket): Promise<number> {
  const started = performance.now();
  const back = once(s, 'data');
  s.write('x');
  await back;
  return performance.now() - started;
}

/** `count` round trips, one after another. */
export async function roundTrips(s: Socket, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await roundTrip(s));
  return out;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** What a socket reads during the next `ms` (empty when nothing came). */
export async function readFor(s: Socket, ms: number): Promise<string> {
  let got = '';
  const onData = (d: Buffer) => (got += d.toString());
  s.on('data', onData);
  await new Promise((r) => setTimeout(r, ms));
  s.off('data', onData);
  return got;
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
