/**
 * A free loopback port, found by listening on port 0 and closing: for a listener that must
 * be named before it opens (HAProxy cannot bind port 0; nodes advertise the balancer's
 * address before it starts). Another process could take the port in between; on a lab's
 * loopback that window is a few milliseconds.
 */
import { once } from 'node:events';
import net from 'node:net';

/** A port nothing listens on now. */
export async function freePort(host: string): Promise<number> {
  const probe = net.createServer().listen(0, host);
  await once(probe, 'listening');
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
