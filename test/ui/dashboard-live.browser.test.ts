/**
 * The dashboard live, in Debian's Chromium driven by playwright-core: it shows the lab's nodes
 * and where clients' requests go; a click on Kill on the active node shows a new active, which
 * took over within the lease and a second; faults on a topology's links and a node's peers, and
 * heal; a page of another origin cannot drive the lab, nor a page without the secret.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { labDigest } from '../helpers/control-http.ts';
import { card, describeDashboard, lookAt, SLOW } from '../helpers/dashboard-page.ts';

describeDashboard('the live dashboard in headless Chromium', (rig) => {
  it('shows every node, and after a click on Kill on the active a new active that took over within the lease + 1 s', async () => {
    const { page, lab } = await rig.openLab();
    await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toMatch(/^node\d$/);
    const first = (await page.locator('body').getAttribute('data-active'))!;
    expect(first).toBe(lab.cluster.active()?.name);
    expect(await card(page, first).locator('[data-role="mode"]').textContent()).toContain('active');
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), SLOW).toBe(first);
    // Clients on each path: straight to the active, through a standby that forwards, and one that answers 307.
    const [s1, s2] = lab.cluster.nodes.filter((n) => n.name !== first);
    const traffic = new AbortController();
    const token = lab.keys.root_token;
    const client = async (addr: string, headers: Record<string, string> = {}) => {
      while (!traffic.signal.aborted) {
        await fetch(`${addr}/v1/sys/mounts`, {
          headers: { 'x-vault-token': token, ...headers },
          redirect: 'manual',
          signal: traffic.signal,
        })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const clients = [
      client(lab.cluster.get(first).apiAddr),
      client(s1.apiAddr),
      client(s2.apiAddr, { 'x-vault-no-request-forwarding': 'true' }),
    ];
    const routeCell = (node: string, column: number) => page.locator(`[data-requests-of="${node}"] td`).nth(column).textContent();
    try {
      await expect.poll(() => routeCell(first, 0), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => routeCell(s1.name, 1), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => routeCell(s2.name, 2), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => page.locator('.flow-line.forward.busy').count(), SLOW).toBe(1);
      await expect.poll(() => page.locator('.flow-line.redirect.busy').count(), SLOW).toBe(1);
      await lookAt(page, 'dashboard-live');
    } finally {
      traffic.abort();
      await Promise.all(clients);
    }

    await card(page, first).locator('[data-action="kill"]').click();
    await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toMatch(new RegExp(`^(?!${first}$)node\\d$`));
    const second = (await page.locator('body').getAttribute('data-active'))!;
    expect(await card(page, first).getAttribute('data-mode')).toBe('down');
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), SLOW).toBe(second);
    // The lab's own record of the failover, on its clock: the kill, then the new active's lock.
    const events = lab.cluster.timeline.events;
    const killed = events.find((e) => e.node === first && e.type === 'fault' && e.detail === 'kill')!;
    const tookOver = events.find(
      (e) => e.node === second && e.type === 'state' && e.detail === 'standby → active' && e.time >= killed.time,
    )!;
    expect(tookOver.time - killed.time).toBeLessThanOrEqual(lab.cluster.timings.lockTtlMs + 1000);
    await lookAt(page, 'dashboard-failover');
  }, 120_000);

  it("lays a fault on a link of the lab's topology and a timed partition on a node, and heals them", async () => {
    const { page, lab } = await rig.openLab({ topology: 'three-zones' });
    expect(await page.locator('#network-title').textContent()).toBe('Network (three-zones)');
    await page.locator('select[aria-label="one end of the link"]').selectOption('node2');
    await page.locator('select[aria-label="the other end of the link"]').selectOption('client');
    await page.locator('input[aria-label="latency in ms"]').fill('40');
    await page.locator('[data-action="link-latency"]').click();
    const said = (detail: string) => lab.cluster.timeline.events.some((e) => e.type === 'fault' && e.detail === detail);
    await expect.poll(() => said('link node2–client: latency=40ms'), SLOW).toBe(true);
    await card(page, 'node3').locator('[data-action="fault-partition-peers"]').click();
    await expect.poll(() => lab.cluster.get('node3').forwarder.blocked, SLOW).toBe(true);
    await expect.poll(() => card(page, 'node3').locator('.badge').allTextContents(), SLOW).toContain('⚠ partition-peers');
    await page.locator('#heal').click();
    await expect.poll(() => lab.cluster.get('node3').forwarder.blocked, SLOW).toBe(false);
    await expect.poll(() => lab.cluster.network!.hasLinkFaults('node2'), SLOW).toBe(false);
  }, 120_000);

  it('refuses a page of another origin, and a page without the secret', async () => {
    const { lab } = await rig.openLab();
    const before = labDigest(lab.cluster);
    // Another site on loopback, as any page the lab's user opens could be: it tries the verbs blind.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const page = await rig.newPage();
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcomes = await page.evaluate(async (control) => {
        const tries: Array<[string, RequestInit]> = [
          ['/step-down', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
          ['/kill', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"node":"node1"}' }],
          ['/events', {}],
        ];
        const out: string[] = [];
        for (const [path, init] of tries) {
          try {
            const r = await fetch(control + path, init);
            out.push(`${path}: ${r.type} ${r.status}`);
          } catch (err) {
            out.push(`${path}: refused (${(err as Error).name})`);
          }
        }
        return out;
      }, lab.control);
      // A JSON POST needs a preflight, which is refused; the no-cors one reaches the lab and is refused there (opaque to the page).
      expect(outcomes).toEqual(['/step-down: refused (TypeError)', '/kill: opaque 0', '/events: refused (TypeError)']);
      expect(labDigest(lab.cluster)).toBe(before);

      const bare = await rig.newPage();
      await bare.goto(`${lab.control}/ui/`);
      await expect.poll(() => bare.locator('#connection').getAttribute('data-state'), SLOW).toBe('refused');
      expect(await bare.locator('#problem').textContent()).toContain('vaultlab ui');
      expect(await bare.locator('[data-node]').count()).toBe(0);
    } finally {
      // The browser keeps its connection alive; close it too, or close() waits for the browser's idle timeout.
      evil.closeAllConnections();
      await new Promise((r) => evil.close(r));
    }
    expect(labDigest(lab.cluster)).toBe(before);
  }, 120_000);
});
