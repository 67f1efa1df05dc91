/**
 * The lab's event stream: the hub listens to the lab only while someone watches (a lab with
 * no dashboard open does no work for one), a watcher gets hello first and then every event in
 * order, none lost between the two, and the stream over HTTP keeps up with 1,000 timeline
 * events a second (every one counted at the far end, in order).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_TIMINGS } from '../../src/ha/index.ts';
import {
  clusterEvents,
  LabEventHub,
  LabFaults,
  readControlSecret,
  startControlServer,
  startLab,
  type RunningLab,
  type StreamMessage,
} from '../../src/lab/index.ts';
import { controlRequest } from '../helpers/control-http.ts';

/** The page's own SSE parser (plain JS for the browser, type-checked by src/ui's tsconfig), so the test reads as the page does. */
const { SseParser } = (await import(new URL('../../src/ui/lab-stream.js', import.meta.url).href)) as {
  SseParser: new () => { push(chunk: string): Array<{ event: string; data: string }> };
};

let lab: RunningLab;
let home: string;
let secret: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'vaultlab-events-'));
  // Vault's 15 s lease: no failover happens on its own while the test runs on a loaded box.
  lab = await startLab({ nodes: 3, storage: 'memory', basePort: 0, controlPort: 0, home, timings: VAULT_TIMINGS });
  secret = readControlSecret(home)!;
});
afterAll(async () => {
  await lab?.close();
  await rm(home, { recursive: true, force: true });
});

describe('the event hub', () => {
  it('listens to the lab only while it has a subscriber', async () => {
    const hub = new LabEventHub(clusterEvents(lab.cluster));
    const backend = lab.cluster.backend as unknown as { events: { wants(t: string): boolean } };
    expect(hub.attached).toBe(false);
    expect(backend.events.wants('lock')).toBe(false);
    const got: StreamMessage[] = [];
    const unsubscribe = await hub.subscribe((m) => got.push(m));
    expect(hub.attached).toBe(true);
    expect(backend.events.wants('lock')).toBe(true);
    unsubscribe();
    expect(hub.attached).toBe(false);
    expect(backend.events.wants('lock')).toBe(false);
    expect(got[0].event).toBe('hello');
  });

  it('sends hello first, then each event in order, keeping the ones that came while hello was read', async () => {
    const hub = new LabEventHub(clusterEvents(lab.cluster));
    const got: StreamMessage[] = [];
    const subscribing = hub.subscribe((m) => got.push(m));
    // Added while the hub is still reading the lab's status for hello.
    lab.cluster.timeline.add({ time: lab.cluster.clock.now(), node: 'lab', type: 'action', detail: 'during hello' });
    const unsubscribe = await subscribing;
    lab.cluster.timeline.add({ time: lab.cluster.clock.now(), node: 'lab', type: 'action', detail: 'after hello' });
    unsubscribe();
    expect(got[0].event).toBe('hello');
    const hello = got[0].data as { status: { nodes: unknown[] }; timings: { lock_ttl_ms: number } };
    expect(hello.status.nodes).toHaveLength(3);
    expect(hello.timings.lock_ttl_ms).toBe(VAULT_TIMINGS.lockTtlMs);
    const details = got.filter((m) => m.event === 'timeline').map((m) => (m.data as { detail: string }).detail);
    expect(details).toEqual(['during hello', 'after hello']);
  });
});

/** Reads the stream over HTTP, handing each parsed message to `on`, until `signal` aborts. */
async function readStream(url: string, on: (m: { event: string; data: any }) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`${url}/events`, { headers: { authorization: `Bearer ${secret}` }, signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const parser = new SseParser();
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      for (const f of parser.push(decoder.decode(chunk, { stream: true }))) on({ event: f.event, data: JSON.parse(f.data) });
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

describe('the stream over HTTP', () => {
  it('keeps up with 1,000 events a second: every one arrives, in order', async () => {
    const perSecond = 1000;
    const seconds = 3;
    const total = perSecond * seconds;
    const received: number[] = [];
    let hello = 0;
    const stop = new AbortController();
    const done = new Promise<void>((resolve) => {
      void readStream(
        lab.control,
        (m) => {
          if (m.event === 'hello') hello++;
          if (m.event === 'timeline' && m.data.type === 'load') {
            received.push(Number(m.data.detail));
            if (received.length === total) resolve();
          }
        },
        stop.signal,
      );
    });
    await expect.poll(() => hello, { timeout: 30_000 }).toBe(1);
    // 10 events every 10 ms: 1,000 a second, paced by the timer (a loaded machine paces slower, never faster).
    let sent = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let i = 0; i < 10 && sent < total; i++)
          lab.cluster.timeline.add({ time: Date.now(), node: 'lab', type: 'load', detail: String(sent++) });
        if (sent === total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await done;
    stop.abort();
    expect(received).toHaveLength(total);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
  }, 60_000);

  it('sends status with the lock and its lease soon after something happens', async () => {
    const stop = new AbortController();
    const statuses: any[] = [];
    void readStream(lab.control, (m) => m.event === 'status' && statuses.push(m.data), stop.signal);
    await expect.poll(() => statuses.length, { timeout: 30_000 }).toBeGreaterThan(0);
    stop.abort();
    const s = statuses[0];
    expect(s.lock).toMatchObject({ held: true, ttl_ms: VAULT_TIMINGS.lockTtlMs });
    expect(s.lock.lease_remaining_ms).toBeGreaterThan(0);
    expect(typeof s.time).toBe('number');
    expect(s.nodes.map((n: { ha_mode: string }) => n.ha_mode).sort()).toEqual(['active', 'standby', 'standby']);
  });
});

describe('a watcher that stops reading', () => {
  it('is cut off once its unread stream passes the bound, and the lab keeps nothing for it', async () => {
    const server = await startControlServer(
      { cluster: lab.cluster, faults: new LabFaults(lab.cluster), unsealAll: async () => [], down: async () => undefined },
      { port: 0, secret },
    );
    const port = Number(new URL(server.url).port);
    const sock = connect({ host: '127.0.0.1', port });
    try {
      await new Promise<void>((r) => sock.once('connect', () => r()));
      sock.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${secret}\r\n\r\n`);
      // The watcher reads nothing from here on: what the lab sends piles up in the socket, then in the server's buffer.
      sock.pause();
      await expect.poll(() => server.watchers(), { timeout: 30_000 }).toBe(1);
      const detail = 'x'.repeat(1000);
      // 16 MB of events, four times the bound: far more than the socket's buffers can take.
      for (let i = 0; i < 16_000 && server.watchers() > 0; i++)
        lab.cluster.timeline.add({ time: Date.now(), node: 'lab', type: 'load', detail });
      expect(server.watchers()).toBe(0);
    } finally {
      sock.destroy();
      await server.close();
    }
  });
});

describe("the dashboard's files", () => {
  const port = () => Number(new URL(lab.control).port);

  it('serves the page to a loopback Host with a policy that lets it load only its own files', async () => {
    const r = await controlRequest(port(), 'GET', '/ui/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.body)).toContain('<script type="module" src="dashboard.js"></script>');
  });

  it.each(['/ui/tsconfig.json', '/ui/nothing.js', '/ui/dashboard.js/x', '/ui/.hidden.js'])('answers %s with 404', async (path) => {
    const r = await controlRequest(port(), 'GET', path);
    expect(r.status).toBe(404);
    expect(r.body.errors).toEqual([expect.any(String)]);
  });

  // A path that climbs out of /ui/ is no longer a dashboard file: it is a control request without the secret.
  it.each(['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/..%2fpackage.json'])(
    'never serves a file outside the folder for %s',
    async (path) => {
      const r = await controlRequest(port(), 'GET', path);
      expect([401, 404]).toContain(r.status);
      expect(JSON.stringify(r.body)).not.toContain('vaultlab');
    },
  );

  it('sends / to the page', async () => {
    const r = await controlRequest(port(), 'GET', '/');
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/ui/');
  });
});
